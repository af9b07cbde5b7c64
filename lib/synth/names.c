/*
 * names.c - the name, place and nickname tables of the generator.
 *
 * The lists were compiled for openlrs from general knowledge of names
 * common among children born in England and Wales in 2006-2013 and of
 * common surnames by community; the weights are rough relative
 * frequencies within each list (a Zipf-like fall-off), not statistics.
 * They are meant to look realistic to a matcher: a few very frequent
 * names (Smith, Jones, Khan, Patel, Oliver, Olivia, Muhammad), long tails,
 * diacritics (Zoë, Siân, Seán, Łukasz, Wiśniewski), apostrophes
 * (O'Brien), gendered surnames (Kowalski/Kowalska, Singh/Kaur) and
 * spellings that differ by one letter (Mohammed, Muhammad, Mohammad).
 *
 * Postcode areas are real area letters with their main post town and an
 * approximate highest district number; districts drawn from them are
 * real-shaped, not necessarily real.
 */
#include "base/base.h"

#include "synth/synth_int.h"

/*
 * The tables below are data laid out densely by hand; clang-format would
 * put one short entry per column and triple their length.
 */
/* clang-format off */
#define N(t, w) {(t), (w)}
#define S(t, w) {(t), (t), (w)}
#define G(m, f, w) {(m), (f), (w)}

/* ------------------------------------------------------------------ */
/* Given names                                                        */
/* ------------------------------------------------------------------ */

static const struct lrs__name english_boys[] = {
    N("Oliver", 900), N("Jack", 880), N("Harry", 850), N("Jacob", 700),
    N("Charlie", 680), N("Thomas", 670), N("George", 600), N("Oscar", 560),
    N("James", 620), N("William", 560), N("Noah", 480), N("Alfie", 470),
    N("Joshua", 500), N("Leo", 380), N("Archie", 400), N("Ethan", 450),
    N("Joseph", 420), N("Freddie", 380), N("Samuel", 420), N("Alexander", 380),
    N("Logan", 300), N("Daniel", 420), N("Isaac", 300), N("Max", 300),
    N("Benjamin", 340), N("Mason", 300), N("Lucas", 280), N("Edward", 260),
    N("Harrison", 260), N("Jake", 260), N("Dylan", 280), N("Riley", 260),
    N("Finley", 250), N("Theo", 240), N("Sebastian", 200), N("Adam", 260),
    N("Zachary", 200), N("Arthur", 180), N("Toby", 200), N("Jayden", 200),
    N("Luke", 240), N("Harley", 160), N("Lewis", 200), N("Tyler", 220),
    N("Harvey", 200), N("Matthew", 260), N("David", 220), N("Reuben", 140),
    N("Michael", 220), N("Elijah", 140), N("Kian", 120), N("Tommy", 130),
    N("Henry", 200), N("Aaron", 160), N("Ryan", 220), N("Callum", 200),
    N("Connor", 180), N("Liam", 160), N("Kyle", 120), N("Nathan", 180),
    N("Luca", 140), N("Bradley", 120), N("Kai", 140), N("Jamie", 160),
    N("Owen", 150), N("Cameron", 140), N("Louis", 140), N("Stanley", 110),
    N("Bobby", 100), N("Hugo", 100), N("Elliot", 110), N("Rory", 100),
    N("Gabriel", 110), N("Caleb", 90), N("Jude", 90), N("Ellis", 80),
    N("Blake", 90), N("Austin", 70), N("Evan", 100), N("Aiden", 100),
    N("Dominic", 70), N("Patrick", 80), N("Christopher", 140),
    N("Andrew", 100), N("Jonathan", 90), N("Robert", 110), N("Peter", 60),
    N("Richard", 60), N("John", 90), N("Anthony", 70), N("Leon", 80),
    N("Marcus", 70), N("Jordan", 110), N("Nicholas", 70), N("Frederick", 60),
    N("Charles", 70), N("Nathaniel", 50), N("Frankie", 80), N("Ronnie", 60),
    N("Albert", 50), N("Louie", 90), N("Ben", 60), N("Sam", 50),
    N("Alex", 60), N("Rhys", 90), N("Tristan", 30), N("Declan", 40),
};

static const struct lrs__name english_girls[] = {
    N("Olivia", 850), N("Amelia", 800), N("Emily", 800), N("Isla", 450),
    N("Ava", 500), N("Jessica", 600), N("Isabella", 450), N("Lily", 600),
    N("Ruby", 550), N("Sophie", 600), N("Grace", 550), N("Mia", 500),
    N("Evie", 480), N("Ella", 480), N("Poppy", 450), N("Chloe", 480),
    N("Charlotte", 480), N("Sophia", 380), N("Ellie", 450), N("Freya", 380),
    N("Isabelle", 300), N("Daisy", 350), N("Millie", 350), N("Phoebe", 300),
    N("Lucy", 350), N("Scarlett", 280), N("Holly", 280), N("Sienna", 220),
    N("Erin", 250), N("Megan", 300), N("Lola", 200), N("Abigail", 250),
    N("Emma", 220), N("Eva", 220), N("Matilda", 200), N("Molly", 280),
    N("Hannah", 300), N("Layla", 180), N("Imogen", 200), N("Elizabeth", 200),
    N("Katie", 220), N("Amber", 220), N("Eleanor", 200), N("Zoe", 140),
    N("Zoë", 50), N("Lexi", 160), N("Maisie", 200), N("Rosie", 200),
    N("Florence", 150), N("Alice", 200), N("Harriet", 140), N("Leah", 200),
    N("Georgia", 220), N("Maya", 160), N("Summer", 140), N("Bethany", 160),
    N("Caitlin", 150), N("Jasmine", 160), N("Lauren", 180), N("Paige", 150),
    N("Rebecca", 150), N("Victoria", 110), N("Amy", 180), N("Anna", 140),
    N("Sarah", 130), N("Laura", 100), N("Abbie", 120), N("Courtney", 90),
    N("Madison", 130), N("Bella", 110), N("Esme", 110), N("Willow", 100),
    N("Evelyn", 100), N("Darcy", 100), N("Thea", 90), N("Francesca", 70),
    N("Eliza", 70), N("Elise", 60), N("Heidi", 90), N("Tilly", 120),
    N("Nicole", 60), N("Catherine", 50), N("Katherine", 60),
    N("Samantha", 50), N("Jennifer", 40), N("Margaret", 15),
    N("Alexandra", 70), N("Chloé", 15), N("Renée", 10), N("Renee", 15),
    N("Beth", 40), N("Gracie", 120), N("Niamh", 80), N("Aimee", 90),
};

static const struct lrs__name welsh_boys[] = {
    N("Dafydd", 200), N("Rhys", 300), N("Gethin", 150), N("Osian", 160),
    N("Cai", 160), N("Ioan", 180), N("Tomos", 200), N("Iwan", 120),
    N("Dylan", 250), N("Owain", 160), N("Gruffydd", 90), N("Llŷr", 40),
    N("Rhodri", 80), N("Aled", 90), N("Huw", 100), N("Emyr", 40),
    N("Elis", 100), N("Morgan", 120), N("Evan", 140), N("Steffan", 90),
};

static const struct lrs__name welsh_girls[] = {
    N("Ffion", 220), N("Cerys", 220), N("Seren", 200), N("Megan", 250),
    N("Alys", 120), N("Mali", 150), N("Elin", 180), N("Nia", 150),
    N("Lowri", 160), N("Siân", 90), N("Sian", 40), N("Catrin", 140),
    N("Carys", 120), N("Gwen", 80), N("Angharad", 60), N("Manon", 80),
    N("Efa", 70), N("Eira", 60), N("Bethan", 110), N("Non", 30),
};

static const struct lrs__name scottish_boys[] = {
    N("Callum", 200), N("Lewis", 200), N("Finlay", 180), N("Euan", 150),
    N("Ruaridh", 60), N("Fraser", 120), N("Angus", 70), N("Hamish", 50),
    N("Kyle", 120), N("Craig", 60), N("Murray", 50), N("Calum", 90),
    N("Struan", 20), N("Alasdair", 40), N("Ross", 90),
};

static const struct lrs__name scottish_girls[] = {
    N("Eilidh", 180), N("Isla", 250), N("Kirsty", 80), N("Morag", 20),
    N("Ailsa", 80), N("Catriona", 50), N("Fiona", 40), N("Mhairi", 90),
    N("Skye", 80), N("Iona", 90), N("Rhona", 30), N("Kirsten", 50),
};

static const struct lrs__name irish_boys[] = {
    N("Seán", 200), N("Sean", 160), N("Conor", 260), N("Ciarán", 140),
    N("Ciaran", 60), N("Cian", 160), N("Oisín", 120), N("Darragh", 120),
    N("Eoin", 120), N("Liam", 160), N("Niall", 100), N("Patrick", 140),
    N("Aidan", 100), N("Cillian", 80), N("Pádraig", 50), N("Ronan", 100),
    N("Declan", 80), N("Fionn", 80), N("Tadhg", 60), N("Shane", 70),
};

static const struct lrs__name irish_girls[] = {
    N("Aoife", 250), N("Niamh", 250), N("Siobhán", 80), N("Siobhan", 50),
    N("Saoirse", 180), N("Ciara", 180), N("Caoimhe", 100), N("Róisín", 90),
    N("Roisin", 50), N("Orla", 120), N("Clodagh", 60), N("Sinéad", 60),
    N("Aisling", 90), N("Éabha", 40), N("Gráinne", 40), N("Emer", 50),
    N("Nuala", 20), N("Shannon", 90),
};

static const struct lrs__name south_asian_boys[] = {
    N("Muhammad", 900), N("Mohammed", 600), N("Mohammad", 250),
    N("Ibrahim", 300), N("Yusuf", 280), N("Ayaan", 220), N("Zain", 220),
    N("Hamza", 300), N("Omar", 220), N("Ali", 260), N("Adam", 200),
    N("Arjun", 180), N("Aryan", 150), N("Rayan", 130), N("Ahmed", 140),
    N("Bilal", 120), N("Hassan", 160), N("Usman", 120), N("Abdullah", 160),
    N("Harpreet", 60), N("Jaspreet", 50), N("Gurpreet", 40), N("Rohan", 100),
    N("Dev", 60), N("Krish", 80), N("Aarav", 100), N("Vihaan", 50),
    N("Ishaan", 80), N("Kabir", 60), N("Zayn", 150), N("Idris", 60),
    N("Imran", 50), N("Faisal", 50), N("Tariq", 40), N("Amir", 90),
    N("Arham", 60), N("Haris", 70), N("Rehan", 60), N("Sahil", 50),
    N("Manveer", 30),
};

static const struct lrs__name south_asian_girls[] = {
    N("Aisha", 350), N("Fatima", 380), N("Maryam", 350), N("Zara", 280),
    N("Amira", 200), N("Zainab", 220), N("Hafsa", 160), N("Khadija", 150),
    N("Inaya", 160), N("Anaya", 140), N("Aaliyah", 150), N("Safa", 80),
    N("Sana", 100), N("Noor", 120), N("Priya", 110), N("Anjali", 80),
    N("Simran", 100), N("Ananya", 90), N("Diya", 80), N("Isha", 90),
    N("Riya", 100), N("Navneet", 30), N("Harleen", 50), N("Manpreet", 40),
    N("Sadia", 60), N("Nadia", 60), N("Ayesha", 150), N("Mariam", 110),
    N("Laiba", 70), N("Hiba", 70), N("Iqra", 80), N("Mehak", 40),
    N("Alisha", 60), N("Jasmin", 40),
};

static const struct lrs__name african_boys[] = {
    N("Daniel", 300), N("David", 280), N("Samuel", 280), N("Emmanuel", 260),
    N("Joshua", 220), N("Michael", 200), N("Tobi", 120), N("Oluwaseun", 80),
    N("Chidi", 80), N("Chukwuemeka", 60), N("Emeka", 70), N("Kwame", 90),
    N("Kofi", 90), N("Kwabena", 50), N("Kojo", 50), N("Yaw", 50),
    N("Abdirahman", 80), N("Abdullahi", 90), N("Mohamed", 160),
    N("Ayodele", 50), N("Femi", 60), N("Olumide", 40), N("Tunde", 40),
    N("Segun", 40), N("Israel", 60), N("Tendai", 50), N("Tatenda", 50),
    N("Blessing", 40), N("Precious", 30), N("Chinedu", 50), N("Ifeanyi", 40),
    N("Oluwatobi", 60), N("Mustafa", 60), N("Nathaniel", 80),
};

static const struct lrs__name african_girls[] = {
    N("Grace", 250), N("Blessing", 160), N("Favour", 160), N("Precious", 140),
    N("Esther", 160), N("Deborah", 120), N("Adaeze", 60), N("Chioma", 80),
    N("Ngozi", 40), N("Amara", 120), N("Ifeoma", 50), N("Folake", 40),
    N("Funmilayo", 30), N("Titilayo", 30), N("Abena", 60), N("Akosua", 50),
    N("Ama", 60), N("Efua", 40), N("Adwoa", 40), N("Hodan", 60),
    N("Hibo", 50), N("Fadumo", 40), N("Amina", 150), N("Ayan", 60),
    N("Nomvula", 20), N("Rutendo", 40), N("Chiamaka", 60), N("Temitope", 70),
    N("Adeola", 50), N("Praise", 60), N("Tiwa", 40), N("Zuri", 40),
    N("Faith", 120), N("Joy", 80),
};

static const struct lrs__name east_european_boys[] = {
    N("Jakub", 250), N("Kacper", 220), N("Szymon", 180), N("Filip", 200),
    N("Mateusz", 180), N("Bartosz", 140), N("Michał", 150), N("Wiktor", 120),
    N("Łukasz", 100), N("Dawid", 130), N("Kamil", 120), N("Krzysztof", 70),
    N("Tomasz", 80), N("Piotr", 90), N("Paweł", 90), N("Oskar", 130),
    N("Antoni", 80), N("Adrian", 120), N("Marcel", 100), N("Mikołaj", 90),
    N("Andrei", 140), N("Alexandru", 120), N("Ionuț", 60), N("Mihai", 90),
    N("Stefan", 80), N("Darius", 90), N("Matas", 60), N("Lukas", 90),
    N("Dominik", 100), N("Denis", 80), N("Artem", 50), N("Maksym", 50),
    N("Bogdan", 40), N("Nikola", 50), N("Gabriel", 80), N("Matei", 60),
};

static const struct lrs__name east_european_girls[] = {
    N("Zuzanna", 220), N("Julia", 250), N("Maja", 200), N("Zofia", 150),
    N("Hanna", 150), N("Lena", 150), N("Alicja", 130), N("Natalia", 180),
    N("Oliwia", 160), N("Wiktoria", 170), N("Amelia", 120), N("Weronika", 140),
    N("Aleksandra", 130), N("Gabriela", 120), N("Martyna", 100),
    N("Ioana", 100), N("Maria", 160), N("Elena", 110), N("Andreea", 100),
    N("Bianca", 90), N("Gabija", 60), N("Emilija", 60), N("Ugnė", 40),
    N("Viktorija", 50), N("Anastasia", 90), N("Sofia", 120), N("Daria", 90),
    N("Kateryna", 40), N("Dominika", 80), N("Tereza", 50), N("Natálie", 30),
    N("Karolina", 100),
};

/* ------------------------------------------------------------------ */
/* Family names                                                       */
/* ------------------------------------------------------------------ */

static const struct lrs__surname english_surnames[] = {
    S("Smith", 1200), S("Jones", 900), S("Williams", 700), S("Taylor", 620),
    S("Brown", 600), S("Davies", 520), S("Evans", 420), S("Wilson", 420),
    S("Thomas", 400), S("Johnson", 380), S("Roberts", 370),
    S("Robinson", 330), S("Thompson", 330), S("Wright", 320), S("Walker", 320),
    S("White", 300), S("Edwards", 300), S("Hughes", 290), S("Green", 290),
    S("Hall", 290), S("Lewis", 280), S("Harris", 280), S("Clarke", 270),
    S("Jackson", 260), S("Wood", 260), S("Turner", 250), S("Martin", 250),
    S("Cooper", 240), S("Hill", 240), S("Ward", 230), S("Morris", 230),
    S("Moore", 230), S("Clark", 220), S("Lee", 220), S("King", 220),
    S("Baker", 210), S("Harrison", 210), S("Morgan", 200), S("Allen", 200),
    S("James", 200), S("Scott", 190), S("Phillips", 190), S("Watson", 180),
    S("Davis", 180), S("Parker", 180), S("Price", 170), S("Bennett", 170),
    S("Young", 170), S("Griffiths", 160), S("Mitchell", 160), S("Kelly", 160),
    S("Cook", 160), S("Carter", 160), S("Richardson", 150), S("Bailey", 150),
    S("Collins", 150), S("Bell", 150), S("Shaw", 150), S("Murphy", 140),
    S("Miller", 140), S("Cox", 140), S("Richards", 140), S("Marshall", 130),
    S("Anderson", 130), S("Simpson", 130), S("Ellis", 130), S("Adams", 130),
    S("Wilkinson", 120), S("Foster", 120), S("Chapman", 120), S("Powell", 120),
    S("Webb", 120), S("Rogers", 120), S("Gray", 110), S("Mason", 110),
    S("Hunt", 110), S("Matthews", 110), S("Owen", 110), S("Palmer", 110),
    S("Holmes", 100), S("Mills", 100), S("Barnes", 100), S("Knight", 100),
    S("Lloyd", 100), S("Butler", 100), S("Russell", 100), S("Barker", 95),
    S("Fisher", 95), S("Stevens", 95), S("Jenkins", 95), S("Dixon", 90),
    S("Harvey", 90), S("Graham", 90), S("Pearson", 90), S("Fletcher", 85),
    S("Gibson", 85), S("Howard", 85), S("Andrews", 85), S("Elliott", 80),
    S("Reynolds", 80), S("Saunders", 80), S("Payne", 80), S("Fox", 75),
    S("Ford", 75), S("Pearce", 75), S("Day", 70), S("Brooks", 70),
    S("West", 70), S("Lawrence", 70), S("Cole", 70), S("Atkinson", 70),
    S("Bradley", 65), S("Spencer", 65), S("Dawson", 65), S("Ball", 65),
    S("Burton", 60), S("Watts", 60), S("Rose", 60), S("Booth", 60),
    S("Perry", 60), S("Wells", 55), S("Armstrong", 55), S("Francis", 55),
    S("Hart", 55), S("Hudson", 55), S("Newman", 50), S("Barrett", 50),
    S("Webster", 50), S("Hunter", 50), S("Gregory", 50), S("Carr", 50),
    S("Lowe", 45), S("Page", 45), S("Marsh", 45), S("Riley", 45),
    S("Dunn", 45), S("Woods", 45), S("Parsons", 45), S("Berry", 40),
    S("Stone", 40), S("Holland", 40), S("Hawkins", 40), S("Harding", 40),
    S("Porter", 40), S("Newton", 40), S("Oliver", 35), S("Reed", 35),
    S("Bird", 35), S("Gardner", 35), S("Dean", 35), S("Lane", 35),
    S("Cooke", 30), S("Bates", 30), S("Burgess", 30), S("Bishop", 30),
    S("Walton", 30), S("Nicholson", 30), S("Shepherd", 30), S("Cross", 30),
    S("Long", 25), S("Freeman", 25), S("Warren", 25), S("Nicholls", 25),
    S("Sutton", 25), S("Yates", 25), S("Hodgson", 25), S("Robson", 25),
    S("Curtis", 25), S("Hopkins", 25), S("Harper", 25), S("Coleman", 25),
    S("Fitzgerald", 15), S("Ashworth", 15), S("Featherstone", 10),
    S("Greenhalgh", 10), S("Entwistle", 8), S("St John", 3),
    S("D'Arcy", 3), S("Le Blanc", 3), S("Smyth", 8), S("Smithe", 2),
};

static const struct lrs__surname welsh_surnames[] = {
    S("Jones", 1500), S("Williams", 1000), S("Davies", 900), S("Evans", 700),
    S("Thomas", 650), S("Roberts", 550), S("Hughes", 420), S("Lewis", 400),
    S("Morgan", 380), S("Griffiths", 350), S("Edwards", 300), S("Owen", 280),
    S("Price", 250), S("Jenkins", 240), S("Rees", 220), S("Lloyd", 200),
    S("Powell", 180), S("Phillips", 180), S("Parry", 160), S("Pritchard", 100),
    S("Bowen", 90), S("Pugh", 80), S("Vaughan", 70), S("Llewellyn", 60),
    S("Rowlands", 60), S("Prosser", 40), S("Howells", 50), S("Gwynne", 20),
    S("ap Rhys", 4), S("Meredith", 30),
};

static const struct lrs__surname scottish_surnames[] = {
    S("Smith", 600), S("Brown", 400), S("Wilson", 380), S("Campbell", 360),
    S("Stewart", 330), S("Thomson", 320), S("Robertson", 320),
    S("Anderson", 300), S("MacDonald", 250), S("McDonald", 120),
    S("Scott", 240), S("Reid", 230), S("Murray", 220), S("Taylor", 200),
    S("Clark", 190), S("Ross", 180), S("Watson", 170), S("Morrison", 170),
    S("Paterson", 160), S("Young", 150), S("Mitchell", 150), S("Fraser", 150),
    S("McKenzie", 120), S("MacKenzie", 60), S("MacLeod", 110),
    S("Cameron", 110), S("Grant", 100), S("Hamilton", 100), S("Kerr", 90),
    S("Ferguson", 90), S("Graham", 90), S("Munro", 70), S("McGregor", 50),
};

static const struct lrs__surname irish_surnames[] = {
    S("Murphy", 600), S("Kelly", 450), S("O'Sullivan", 350), S("Walsh", 330),
    S("Byrne", 300), S("Ryan", 290), S("O'Brien", 280), S("O'Connor", 270),
    S("O'Neill", 250), S("McCarthy", 230), S("Doyle", 220),
    S("Gallagher", 200), S("Kennedy", 180), S("Lynch", 170), S("Quinn", 160),
    S("McLaughlin", 150), S("Carroll", 140), S("Connolly", 130),
    S("Daly", 120), S("Brennan", 120), S("Burke", 120), S("Collins", 110),
    S("Flanagan", 90), S("Nolan", 90), S("Reilly", 90), S("O'Reilly", 60),
    S("O'Donnell", 80), S("Doherty", 100), S("McGrath", 80),
    S("Kavanagh", 70), S("Ó Briain", 3), S("Mac Giolla", 2),
};

static const struct lrs__surname south_asian_surnames[] = {
    S("Khan", 1400), S("Patel", 1300), S("Ahmed", 900), S("Hussain", 900),
    S("Ali", 850), G("Singh", "Kaur", 1000), G("Uddin", "Begum", 350),
    G("Miah", "Begum", 300), G("Rahman", "Khatun", 200), S("Shah", 350),
    S("Akhtar", 250), S("Mahmood", 250), S("Iqbal", 250), S("Rashid", 150),
    S("Malik", 200), S("Sharma", 200), S("Kumar", 180), S("Mistry", 150),
    S("Chauhan", 120), S("Parmar", 120), S("Desai", 100), S("Mehta", 100),
    S("Joshi", 90), S("Gupta", 90), S("Islam", 200), S("Chowdhury", 150),
    S("Bibi", 60), S("Javed", 90), S("Aslam", 90), S("Butt", 120),
    S("Mirza", 90), S("Qureshi", 100), S("Siddiqui", 80), S("Sandhu", 90),
    S("Gill", 120), S("Sidhu", 70), S("Dhillon", 80), S("Bains", 60),
    S("D'Souza", 40), S("Fernandes", 40), S("Nair", 50), S("Pillai", 30),
    S("Reddy", 40), S("Rao", 40), S("Anwar", 80), S("Haque", 70),
    S("Karim", 70), S("Hossain", 90), S("Choudhury", 60),
};

static const struct lrs__surname african_surnames[] = {
    S("Okafor", 120), S("Mensah", 150), S("Adeyemi", 130), S("Okonkwo", 100),
    S("Adebayo", 130), S("Ogunleye", 60), S("Afolabi", 70), S("Balogun", 60),
    S("Bello", 70), S("Eze", 80), S("Nwosu", 70), S("Obi", 70),
    S("Okeke", 70), S("Owusu", 130), S("Boateng", 120), S("Asante", 90),
    S("Appiah", 90), S("Osei", 110), S("Agyeman", 60), S("Addo", 60),
    S("Amoah", 50), S("Ansah", 50), S("Acheampong", 40), S("Darko", 40),
    S("Mohamed", 200), S("Abdi", 160), S("Hassan", 150), S("Farah", 100),
    S("Warsame", 50), S("Mohamud", 80), S("Ahmed", 100), S("Moyo", 80),
    S("Ncube", 60), S("Dube", 60), S("Sibanda", 60), S("Mwangi", 50),
    S("Kamau", 40), S("Otieno", 40), S("Mukendi", 30), S("Tshibangu", 20),
    S("Diallo", 50), S("Kamara", 80), S("Koroma", 50), S("Conteh", 40),
    S("Sesay", 50), S("Bangura", 40), S("Jalloh", 40), S("Oyelaran", 20),
    S("Williams", 60), S("Johnson", 60), S("Adeleke-Smith", 5),
};

static const struct lrs__surname east_european_surnames[] = {
    G("Kowalski", "Kowalska", 200), S("Nowak", 250),
    G("Wiśniewski", "Wiśniewska", 150), S("Wójcik", 140),
    S("Kowalczyk", 130), G("Kamiński", "Kamińska", 120),
    G("Lewandowski", "Lewandowska", 120), G("Zieliński", "Zielińska", 100),
    G("Szymański", "Szymańska", 90), S("Woźniak", 90),
    G("Dąbrowski", "Dąbrowska", 80), G("Kozłowski", "Kozłowska", 70),
    G("Jankowski", "Jankowska", 60), S("Mazur", 70),
    G("Kwiatkowski", "Kwiatkowska", 50), S("Krawczyk", 60),
    G("Piotrowski", "Piotrowska", 50), G("Grabowski", "Grabowska", 40),
    G("Pawłowski", "Pawłowska", 40), S("Popescu", 150), S("Popa", 100),
    S("Ionescu", 80), S("Pop", 80), S("Radu", 70), S("Dumitru", 70),
    S("Stan", 50), S("Stoica", 40), S("Gheorghe", 50), S("Munteanu", 40),
    S("Constantin", 50), S("Marin", 40), S("Rusu", 50), S("Lazăr", 30),
    G("Kazlauskas", "Kazlauskaitė", 50), G("Jankauskas", "Jankauskaitė", 40),
    G("Petrauskas", "Petrauskaitė", 40),
    G("Stankevičius", "Stankevičiūtė", 30), G("Ivanov", "Ivanova", 60),
    G("Petrov", "Petrova", 50), G("Georgiev", "Georgieva", 40),
    G("Dimitrov", "Dimitrova", 40), G("Bērziņš", "Bērziņa", 20),
    G("Kalniņš", "Kalniņa", 15), G("Novák", "Nováková", 40),
    G("Horváth", "Horváthová", 50), G("Balog", "Balogová", 30),
    G("Dvořák", "Dvořáková", 20), S("Shevchenko", 40), S("Kovalenko", 30),
    S("Bondarenko", 30), S("Tkachenko", 20), S("Nagy", 40), S("Kovács", 40),
    S("Tóth", 30), S("Szabó", 30),
};

/* ------------------------------------------------------------------ */
/* Groups                                                             */
/* ------------------------------------------------------------------ */

#define LIST(a) {(a), LRS_ARRAY_LEN(a), NULL}

struct group_def {
    uint32_t weight; /* per 1000 learners, roughly */
    uint16_t anglo;  /* per 10k: given name from the English list */
    struct lrs__wlist boys, girls, surnames;
};

static const struct group_def groups[GROUP__COUNT] = {
    [GROUP_ENGLISH] = {620, 10000, LIST(english_boys), LIST(english_girls),
                       LIST(english_surnames)},
    [GROUP_WELSH] = {50, 5000, LIST(welsh_boys), LIST(welsh_girls),
                     LIST(welsh_surnames)},
    [GROUP_SCOTTISH] = {40, 6000, LIST(scottish_boys), LIST(scottish_girls),
                        LIST(scottish_surnames)},
    [GROUP_IRISH] = {50, 4000, LIST(irish_boys), LIST(irish_girls),
                     LIST(irish_surnames)},
    [GROUP_SOUTH_ASIAN] = {110, 800, LIST(south_asian_boys),
                           LIST(south_asian_girls), LIST(south_asian_surnames)},
    [GROUP_AFRICAN] = {70, 4000, LIST(african_boys), LIST(african_girls),
                       LIST(african_surnames)},
    [GROUP_EAST_EUROPEAN] = {60, 2000, LIST(east_european_boys),
                             LIST(east_european_girls),
                             LIST(east_european_surnames)},
};

/* clang-format on */

/* ------------------------------------------------------------------ */
/* Places                                                             */
/* ------------------------------------------------------------------ */

const struct lrs__area lrs__areas[] = {
    {"AL", 10, "St Albans", 40, false},
    {"B", 99, "Birmingham", 300, false},
    {"BA", 16, "Bath", 50, false},
    {"BB", 18, "Blackburn", 60, false},
    {"BD", 24, "Bradford", 100, false},
    {"BH", 25, "Bournemouth", 70, false},
    {"BL", 9, "Bolton", 50, false},
    {"BN", 45, "Brighton", 100, false},
    {"BR", 8, "Bromley", 40, false},
    {"BS", 49, "Bristol", 130, false},
    {"CB", 25, "Cambridge", 60, false},
    {"CF", 83, "Cardiff", 120, true},
    {"CH", 66, "Chester", 80, false},
    {"CM", 24, "Chelmsford", 90, false},
    {"CO", 16, "Colchester", 50, false},
    {"CR", 9, "Croydon", 50, false},
    {"CT", 21, "Canterbury", 60, false},
    {"CV", 47, "Coventry", 90, false},
    {"DE", 75, "Derby", 90, false},
    {"DH", 9, "Durham", 40, false},
    {"DN", 41, "Doncaster", 90, false},
    {"DY", 14, "Dudley", 60, false},
    {"E", 20, "London", 150, false},
    {"EX", 39, "Exeter", 70, false},
    {"GL", 56, "Gloucester", 70, false},
    {"GU", 52, "Guildford", 90, false},
    {"HA", 9, "Harrow", 50, false},
    {"HD", 9, "Huddersfield", 40, false},
    {"HP", 27, "Hemel Hempstead", 60, false},
    {"HU", 20, "Hull", 60, false},
    {"IG", 11, "Ilford", 50, false},
    {"IP", 33, "Ipswich", 70, false},
    {"L", 40, "Liverpool", 140, false},
    {"LD", 8, "Llandrindod Wells", 8, true},
    {"LE", 67, "Leicester", 120, false},
    {"LL", 78, "Llandudno", 60, true},
    {"LS", 29, "Leeds", 140, false},
    {"LU", 7, "Luton", 40, false},
    {"M", 50, "Manchester", 200, false},
    {"ME", 20, "Rochester", 70, false},
    {"MK", 46, "Milton Keynes", 70, false},
    {"N", 22, "London", 100, false},
    {"NE", 71, "Newcastle upon Tyne", 130, false},
    {"NG", 34, "Nottingham", 120, false},
    {"NN", 18, "Northampton", 70, false},
    {"NP", 44, "Newport", 60, true},
    {"NR", 35, "Norwich", 70, false},
    {"NW", 11, "London", 70, false},
    {"OL", 16, "Oldham", 60, false},
    {"OX", 49, "Oxford", 70, false},
    {"PE", 38, "Peterborough", 90, false},
    {"PL", 35, "Plymouth", 60, false},
    {"PO", 41, "Portsmouth", 90, false},
    {"PR", 26, "Preston", 60, false},
    {"RG", 45, "Reading", 90, false},
    {"RM", 20, "Romford", 60, false},
    {"S", 81, "Sheffield", 140, false},
    {"SA", 73, "Swansea", 80, true},
    {"SE", 28, "London", 140, false},
    {"SK", 23, "Stockport", 70, false},
    {"SL", 9, "Slough", 40, false},
    {"SN", 26, "Swindon", 60, false},
    {"SO", 53, "Southampton", 80, false},
    {"SR", 9, "Sunderland", 40, false},
    {"ST", 21, "Stoke-on-Trent", 80, false},
    {"SW", 20, "London", 120, false},
    {"SY", 25, "Shrewsbury", 30, false},
    {"TS", 29, "Middlesbrough", 70, false},
    {"UB", 11, "Southall", 50, false},
    {"W", 14, "London", 80, false},
    {"WA", 16, "Warrington", 60, false},
    {"WF", 17, "Wakefield", 60, false},
    {"WN", 8, "Wigan", 40, false},
    {"WS", 15, "Walsall", 50, false},
    {"WV", 16, "Wolverhampton", 50, false},
    {"YO", 62, "York", 60, false},
};
const size_t lrs__area_count = LRS_ARRAY_LEN(lrs__areas);

const char *const lrs__streets[] = {
    "Church",    "Station",   "Victoria",    "Park",      "Mill",
    "High",      "Queen's",   "King's",      "Manor",     "School",
    "Green",     "Chapel",    "New",         "London",    "York",
    "Albert",    "Grange",    "Springfield", "Highfield", "Windsor",
    "Oak",       "Ash",       "Beech",       "Elm",       "Willow",
    "Meadow",    "Orchard",   "Heol y Bryn", "Bryn",      "Maes yr Haf",
    "St Mary's", "Westfield", "Kingsway",    "Hawthorn",  "Rosemary",
    "Cedar",     "Farm",      "Brook",       "Riverside", "Castle",
    "Market",    "Bridge",    "North",       "South",     "Crown",
    "Derwent",   "Clarence",  "Cromwell",    "Nelson",    "Jubilee",
};
const size_t lrs__street_count = LRS_ARRAY_LEN(lrs__streets);

const char *const lrs__street_types[] = {
    "Road",     "Street",  "Lane",    "Avenue", "Close", "Drive", "Way",
    "Crescent", "Gardens", "Terrace", "Grove",  "Place", "Court", "View",
};
const size_t lrs__street_type_count = LRS_ARRAY_LEN(lrs__street_types);

const char *const lrs__localities[] = {
    "Northfield", "Westbury",  "Eastfield", "Southgate", "Newtown",
    "Moorside",   "Hillside",  "Parkside",  "Brookside", "Oakwood",
    "Ashfield",   "Fairfield", "Kingswood", "Llanishen", "Whitchurch",
};
const size_t lrs__locality_count = LRS_ARRAY_LEN(lrs__localities);

/* ------------------------------------------------------------------ */
/* Nicknames and accents                                              */
/* ------------------------------------------------------------------ */

/*
 * Common English diminutives and short forms, and a few from the other
 * communities (Kuba for Jakub, Seun for Oluwaseun); compiled for openlrs.
 */
struct nickname {
    const char *given;
    const char *nicks[6]; /* NULL-terminated */
};

static const struct nickname nicknames[] = {
    {"William", {"Will", "Bill", "Billy", "Liam", NULL}},
    {"Elizabeth", {"Beth", "Liz", "Lizzie", "Eliza", "Betty", NULL}},
    {"Thomas", {"Tom", "Tommy", NULL}},
    {"Tomos", {"Tom", "Twm", NULL}},
    {"James", {"Jim", "Jamie", "Jimmy", NULL}},
    {"Alexander", {"Alex", "Xander", "Sandy", NULL}},
    {"Alexandra", {"Alex", "Lexi", "Sasha", NULL}},
    {"Aleksandra", {"Ola", "Ala", NULL}},
    {"Benjamin", {"Ben", "Benji", NULL}},
    {"Samuel", {"Sam", "Sammy", NULL}},
    {"Joshua", {"Josh", NULL}},
    {"Matthew", {"Matt", NULL}},
    {"Daniel", {"Dan", "Danny", NULL}},
    {"Michael", {"Mike", "Mikey", "Mick", NULL}},
    {"Christopher", {"Chris", "Kit", NULL}},
    {"Jonathan", {"Jon", "Jonny", NULL}},
    {"Joseph", {"Joe", "Joey", NULL}},
    {"Nicholas", {"Nick", "Nicky", NULL}},
    {"Robert", {"Rob", "Bob", "Bobby", "Robbie", NULL}},
    {"Richard", {"Rich", "Rick", "Richie", NULL}},
    {"Edward", {"Ed", "Eddie", "Ted", "Teddy", NULL}},
    {"Anthony", {"Tony", "Ant", NULL}},
    {"Andrew", {"Andy", "Drew", NULL}},
    {"Frederick", {"Fred", "Freddie", "Freddy", NULL}},
    {"Oliver", {"Ollie", "Olly", NULL}},
    {"Harrison", {"Harry", NULL}},
    {"Henry", {"Harry", "Hal", NULL}},
    {"Charles", {"Charlie", "Chaz", NULL}},
    {"Zachary", {"Zach", "Zack", NULL}},
    {"Nathaniel", {"Nate", "Nat", NULL}},
    {"Nathan", {"Nate", "Nat", NULL}},
    {"Callum", {"Cal", NULL}},
    {"Jacob", {"Jake", "Jac", NULL}},
    {"Gabriel", {"Gabe", NULL}},
    {"Muhammad", {"Mo", NULL}},
    {"Mohammed", {"Mo", NULL}},
    {"Ibrahim", {"Ibby", NULL}},
    {"Dafydd", {"Dai", "Dewi", "Dave", NULL}},
    {"Seán", {"Shaun", "Shawn", NULL}},
    {"Sean", {"Shaun", "Shawn", NULL}},
    {"Łukasz", {"Luke", "Lukas", NULL}},
    {"Jakub", {"Kuba", "Jacob", NULL}},
    {"Oluwaseun", {"Seun", NULL}},
    {"Oluwatobi", {"Tobi", "Tobiloba", NULL}},
    {"Temitope", {"Temi", "Tope", NULL}},
    {"Chukwuemeka", {"Emeka", NULL}},
    {"Katherine", {"Kate", "Katie", "Kathy", NULL}},
    {"Catherine", {"Cathy", "Kate", "Cat", NULL}},
    {"Rebecca", {"Becky", "Becca", NULL}},
    {"Victoria", {"Vicky", "Tori", NULL}},
    {"Jessica", {"Jess", "Jessie", NULL}},
    {"Abigail", {"Abbie", "Abby", "Gail", NULL}},
    {"Charlotte", {"Lottie", "Charlie", NULL}},
    {"Isabella", {"Bella", "Izzy", "Issy", NULL}},
    {"Isabelle", {"Izzy", "Belle", NULL}},
    {"Eleanor", {"Ellie", "Nell", "Nora", NULL}},
    {"Margaret", {"Maggie", "Meg", "Peggy", NULL}},
    {"Megan", {"Meg", NULL}},
    {"Amelia", {"Millie", "Amy", NULL}},
    {"Florence", {"Flo", "Florrie", NULL}},
    {"Matilda", {"Tilly", "Tilda", NULL}},
    {"Samantha", {"Sam", "Sammy", NULL}},
    {"Jennifer", {"Jen", "Jenny", NULL}},
    {"Olivia", {"Liv", "Livvy", NULL}},
    {"Sophia", {"Sophie", "Soph", NULL}},
    {"Sophie", {"Soph", NULL}},
    {"Harriet", {"Hattie", NULL}},
    {"Evelyn", {"Evie", NULL}},
    {"Zuzanna", {"Zuzia", NULL}},
    {"Natalia", {"Nata", "Natalie", NULL}},
    {"Wiktoria", {"Wiki", "Victoria", NULL}},
    {"Anastasia", {"Stacey", "Nastya", NULL}},
    {"Fatima", {"Fatma", NULL}},
};

const char *const *lrs__nicknames(const char *given)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(nicknames); i++)
        if (strcmp(nicknames[i].given, given) == 0)
            return nicknames[i].nicks;
    return NULL;
}

static bool is_nick_of(const char *nick, const char *given)
{
    const char *const *n = lrs__nicknames(given);

    for (; n && *n; n++)
        if (strcmp(*n, nick) == 0)
            return true;
    return false;
}

bool lrs__names_related(const char *a, const char *b)
{
    if (strcmp(a, b) == 0 || is_nick_of(a, b) || is_nick_of(b, a))
        return true;
    /* Two nicknames of one name (Harry for both Henry and Harrison). */
    for (size_t i = 0; i < LRS_ARRAY_LEN(nicknames); i++)
        if (is_nick_of(a, nicknames[i].given) &&
            is_nick_of(b, nicknames[i].given))
            return true;
    return false;
}

/* Plain spellings and their accented forms, for the diacritics kind. */
static const char *const accents[][2] = {
    {"Zoe", "Zoë"},       {"Sean", "Seán"},       {"Sian", "Siân"},
    {"Chloe", "Chloé"},   {"Renee", "Renée"},     {"Ciaran", "Ciarán"},
    {"Roisin", "Róisín"}, {"Siobhan", "Siobhán"}, {"Sinead", "Sinéad"},
    {"Oisin", "Oisín"},   {"Padraig", "Pádraig"}, {"Lukasz", "Łukasz"},
    {"Michal", "Michał"}, {"Natalie", "Natálie"}, {"Aimee", "Aimée"},
    {"Eabha", "Éabha"},   {"Noemie", "Noémie"},   {"Lea", "Léa"},
    {"Jose", "José"},     {"Emilie", "Émilie"},
};

const char *lrs__accented(const char *plain)
{
    for (size_t i = 0; i < LRS_ARRAY_LEN(accents); i++)
        if (strcmp(accents[i][0], plain) == 0)
            return accents[i][1];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Weighted draws                                                     */
/* ------------------------------------------------------------------ */

/* The kinds of list build() knows; WELSH_AREAS weighs other areas 0. */
enum list_type { NAMES, SURNAMES, AREAS, WELSH_AREAS };

static uint32_t weight_of(const struct lrs__wlist *l, size_t i,
                          enum list_type type)
{
    const struct lrs__area *areas = l->items;

    switch (type) {
    case NAMES:
        return ((const struct lrs__name *)l->items)[i].weight;
    case SURNAMES:
        return ((const struct lrs__surname *)l->items)[i].weight;
    case AREAS:
        return areas[i].weight;
    case WELSH_AREAS:
        return areas[i].welsh ? areas[i].weight : 0;
    }
    LRS_BUG("unknown list type");
}

static enum lrs_err build(struct lrs__wlist *l, const void *items, size_t count,
                          enum list_type type)
{
    uint32_t sum = 0;

    l->items = items;
    l->count = count;
    l->cum = lrs_calloc(count, sizeof *l->cum);
    if (!l->cum)
        return LRS_ERR(LRS_ENOMEM);
    for (size_t i = 0; i < count; i++) {
        sum += weight_of(l, i, type);
        l->cum[i] = sum;
    }
    return LRS_OK;
}

enum lrs_err lrs__tables_init(struct lrs__tables *t)
{
    enum lrs_err err = LRS_OK;
    uint32_t sum = 0;

    memset(t, 0, sizeof *t);
    for (int g = 0; g < GROUP__COUNT && !err; g++) {
        const struct group_def *d = &groups[g];

        err = build(&t->boys[g], d->boys.items, d->boys.count, NAMES);
        if (!err)
            err = build(&t->girls[g], d->girls.items, d->girls.count, NAMES);
        if (!err)
            err = build(&t->surnames[g], d->surnames.items, d->surnames.count,
                        SURNAMES);
        sum += d->weight;
        t->group_cum[g] = sum;
        t->group_anglo[g] = d->anglo;
    }
    if (!err)
        err = build(&t->areas, lrs__areas, lrs__area_count, AREAS);
    if (!err)
        err = build(&t->welsh_areas, lrs__areas, lrs__area_count, WELSH_AREAS);
    if (err)
        lrs__tables_release(t);
    return err;
}

void lrs__tables_release(struct lrs__tables *t)
{
    for (int g = 0; g < GROUP__COUNT; g++) {
        lrs_free(t->boys[g].cum);
        lrs_free(t->girls[g].cum);
        lrs_free(t->surnames[g].cum);
    }
    lrs_free(t->areas.cum);
    lrs_free(t->welsh_areas.cum);
    memset(t, 0, sizeof *t);
}

static size_t draw(const struct lrs__wlist *l, struct rng *r)
{
    const uint32_t x = lrs__rng_below(r, l->cum[l->count - 1]);
    size_t lo = 0, hi = l->count - 1;

    /* The first i with cum[i] > x. */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;

        if (l->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

const struct lrs__name *lrs__draw_name(const struct lrs__wlist *l,
                                       struct rng *r)
{
    return &((const struct lrs__name *)l->items)[draw(l, r)];
}

const struct lrs__surname *lrs__draw_surname(const struct lrs__wlist *l,
                                             struct rng *r)
{
    return &((const struct lrs__surname *)l->items)[draw(l, r)];
}

size_t lrs__draw_area(const struct lrs__wlist *l, struct rng *r)
{
    return draw(l, r);
}

enum lrs__group lrs__draw_group(const struct lrs__tables *t, struct rng *r)
{
    const uint32_t x = lrs__rng_below(r, t->group_cum[GROUP__COUNT - 1]);
    int g = 0;

    while (g < GROUP__COUNT - 1 && t->group_cum[g] <= x)
        g++;
    return (enum lrs__group)g;
}
