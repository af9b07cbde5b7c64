# lrs school: export the ULN-request CTF from a roster, import the returned
# CTF, check the census (docs/school.md). The rosters and CTFs of
# tests/data/school are crafted so that each message appears: roster.csv
# for the export and census messages, returned.xml (against roster.csv)
# for the import messages. Ages are taken on the 2026 spring census day.
$ cp "$LRS_TEST_DATA"/../data/school/* .
#
# Export: by default pupils aged 14+ on census day without a valid ULN.
# stdout lists what needs attention; the log holds every pupil.
$ lrs school export-ctf roster.csv --school 801/2000 --out request.xml --log export-log.csv --html export-log.html --census-date 2026-01-15 --date-time 2026-01-10T09:00:00
4     K801200026003  Fairbairn, Zoë           blocking RC010 No postcode - no ULN can be issued (Null Values)
5     Z801200026004  Hollis, Thomas           warning  W002  Student address exported but street is missing
6     -              Diallo, Amara            warning  W001  UPN Missing or Invalid: UPN is missing
7     A801200005001  Evans, Rhys              warning  W001  UPN Missing or Invalid: UPN invalid (wrong check letter at character 1)
9     C801200026006  Patel, Arjun             blocking RC006 Date of birth missing - no ULN can be issued
10    R801200026007  Nguyen, Linh             blocking RC006 Sex missing - no ULN can be issued
11    F801200026008  Smith, Jordan            blocking RC011 supplied ULN '1748529631' is invalid: check digit is 1, expected 2
request.xml: 6 pupils exported, 4 not exported (blocked), 3 warnings; census day 2026-01-15
$ cat export-log.csv
roster_line,ctf_pupil,upn,surname,forename,outcome,code,severity,field,old_value,new_value,message
2,1,G801200026001,Okafor,Chidi,exported,,info,,,,exported
3,2,T80120002600A,Brennan-Walsh,Siobhán,exported,,info,,,,exported
4,,K801200026003,Fairbairn,Zoë,not exported,RC010,blocking,postcode,,,No postcode - no ULN can be issued (Null Values)
5,3,Z801200026004,Hollis,Thomas,exported,W002,warning,street,,,Student address exported but street is missing
6,4,,Diallo,Amara,exported,W001,warning,upn,,,UPN Missing or Invalid: UPN is missing
7,5,A801200005001,Evans,Rhys,exported,W001,warning,upn,,,UPN Missing or Invalid: UPN invalid (wrong check letter at character 1)
9,,C801200026006,Patel,Arjun,not exported,RC006,blocking,date_of_birth,,,Date of birth missing - no ULN can be issued
10,,R801200026007,Nguyen,Linh,not exported,RC006,blocking,sex,,,Sex missing - no ULN can be issued
11,,F801200026008,Smith,Jordan,not exported,RC011,blocking,uln,,,"supplied ULN '1748529631' is invalid: check digit is 1, expected 2"
15,6,J801200026012,Green,Sam,exported,,info,,,,exported
$ lrs ctf show request.xml
CTF 25.0 from openlrs, 2026-01-10T09:00:00, partial
source: 801/2000 - (URN -), academic year 2025
destination: XXX/XXXX
1  G801200026001  -           Okafor, Chidi  2010-03-14  M  BS8 4NU
2  T80120002600A  -           Brennan-Walsh, Siobhán  2011-07-02  F  BS1 6XN
3  Z801200026004  -           Hollis, Thomas  2011-01-21  M  BS40 8AB
4  -              -           Diallo, Amara  2010-05-09  F  BS6 5NL
5  A801200005001  -           Evans, Rhys  2010-08-08  M  BS7 8AA
6  J801200026012  -           Green, Sam  2011-01-10  M  BS3 1HW
6 pupils
$ grep -c '<script' export-log.html
0
? 1
#
# Whole year groups: pupils who already hold ULNs go too, with a warning.
$ lrs school export-ctf roster.csv --school 801/2000 --out y11.xml --years 11 --census-date 2026-01-15
4     K801200026003  Fairbairn, Zoë           blocking RC010 No postcode - no ULN can be issued (Null Values)
6     -              Diallo, Amara            warning  W001  UPN Missing or Invalid: UPN is missing
7     A801200005001  Evans, Rhys              warning  W001  UPN Missing or Invalid: UPN invalid (wrong check letter at character 1)
8     N801200026005  O'Brien, Niamh           warning  W003  CTF export includes pupils who already have ULNs (ULN 1000000043)
11    F801200026008  Smith, Jordan            blocking RC011 supplied ULN '1748529631' is invalid: check digit is 1, expected 2
y11.xml: 4 pupils exported, 2 not exported (blocked), 3 warnings; census day 2026-01-15
#
# Import: every message of the crafted returned CTF.
$ lrs school import-ctf roster.csv returned.xml --out roster2.csv --log import-log.csv
2     G801200026001  Okafor, Chidi            change   I001  Student already exists in the school, but some data might have been updated [uln: '' -> '4733206177']
3     W801200026002  Brennan-Walsh, Siobhán   change   I002  Student had Temporary UPN recorded - Updated to Permanent UPN from import file [upn: 'T80120002600A' -> 'W801200026002']
3     W801200026002  Brennan-Walsh, Siobhán   change   I002  Temporary UPN kept as the former UPN [former_upn: '' -> 'T80120002600A']
3     W801200026002  Brennan-Walsh, Siobhán   change   I001  Student already exists in the school, but some data might have been updated [uln: '' -> '9453063028']
5     Z801200026004  Hollis, Thomas           change   I001  Student already exists in the school, but some data might have been updated [uln: '' -> '4432342624']
6     -              Diallo, Amara            change   I001  Student already exists in the school, but some data might have been updated [uln: '' -> '8993500931']
6     -              Diallo, Amara            info     I009  Import file has postcode 'BS6 5NM', the roster 'BS6 5NL' - not changed
13    F801200026010  Kowalski, Jan            warning  I003  Student has rejoined school, please readmit student
13    F801200026010  Kowalski, Jan            change   I001  Student already exists in the school, but some data might have been updated [uln: '' -> '1234567805']
14    V801200026011  Wood, Lily               warning  I004  Student exists in Pre-admission group with status of Withdrawal
14    V801200026011  Wood, Lily               change   I001  Student already exists in the school, but some data might have been updated [uln: '' -> '2345678916']
8     N801200026005  O'Brien, Niamh           blocking I006  Student already holds a different ULN (1000000043) - ULN 3456789121 from the import file not taken
-     M801200026014  Unknown, Person          blocking I005  Student not found in the school roster - not imported
15    J801200026012  Green, Sam               blocking I006  ULN 1000000043 is already held by another student (roster line 8) - not taken
7     A801200005001  Evans, Rhys              warning  I008  No ULN in the import file for this student
4     K801200026003  Fairbairn, Zoë           blocking I008  ULN '1748529631' in the import file is invalid: check digit is 1, expected 2 - not taken
2     G801200026001  Okafor, Chidi            blocking I010  Matches the same student as pupil 1 of the import file - not imported
12 pupils in the file: 10 matched, 6 ULNs added, 1 UPN updated, 4 unchanged, 1 not found, 3 conflicts
roster2.csv: 8 roster cells changed, each in the log
$ diff roster.csv roster2.csv
2,3c2,3
< G801200026001,,,Okafor,Chidi,Emeka,,,2010-03-14,M,11,current,12,Cotham Road,,Bristol,,,BS8 4NU
< T80120002600A,,,Brennan-Walsh,Siobhán,,,,02/07/2011,F,10,current,,,,,"Flat 2, 5 King Street",Bristol,bs1 6xn
---
> G801200026001,,4733206177,Okafor,Chidi,Emeka,,,2010-03-14,M,11,current,12,Cotham Road,,Bristol,,,BS8 4NU
> W801200026002,T80120002600A,9453063028,Brennan-Walsh,Siobhán,,,,02/07/2011,F,10,current,,,,,"Flat 2, 5 King Street",Bristol,bs1 6xn
5,6c5,6
< Z801200026004,,,Hollis,Thomas,,,,21/01/2011,M,10,current,Rose Cottage,,Winford,Bristol,,,BS40 8AB
< ,,,Diallo,Amara,,,,2010-05-09,F,11,guest,,,,,7 Ashley Road,Bristol,BS6 5NL
---
> Z801200026004,,4432342624,Hollis,Thomas,,,,21/01/2011,M,10,current,Rose Cottage,,Winford,Bristol,,,BS40 8AB
> ,,8993500931,Diallo,Amara,,,,2010-05-09,F,11,guest,,,,,7 Ashley Road,Bristol,BS6 5NL
13,14c13,14
< F801200026010,,,Kowalski,Jan,,,,2010-04-04,M,11,left,15,Cheltenham Road,,Bristol,,,BS6 5RL
< V801200026011,,,Wood,Lily,,,,2010-09-09,F,11,withdrawn,8,Zetland Road,,Bristol,,,BS6 7AG
---
> F801200026010,,1234567805,Kowalski,Jan,,,,2010-04-04,M,11,left,15,Cheltenham Road,,Bristol,,,BS6 5RL
> V801200026011,,2345678916,Wood,Lily,,,,2010-09-09,F,11,withdrawn,8,Zetland Road,,Bristol,,,BS6 7AG
? 1
$ cat import-log.csv
roster_line,ctf_pupil,upn,surname,forename,outcome,code,severity,field,old_value,new_value,message
2,1,G801200026001,Okafor,Chidi,ULN added,I001,change,uln,,4733206177,"Student already exists in the school, but some data might have been updated"
3,2,W801200026002,Brennan-Walsh,Siobhán,"ULN added, UPN updated",I002,change,upn,T80120002600A,W801200026002,Student had Temporary UPN recorded - Updated to Permanent UPN from import file
3,2,W801200026002,Brennan-Walsh,Siobhán,"ULN added, UPN updated",I002,change,former_upn,,T80120002600A,Temporary UPN kept as the former UPN
3,2,W801200026002,Brennan-Walsh,Siobhán,"ULN added, UPN updated",I001,change,uln,,9453063028,"Student already exists in the school, but some data might have been updated"
5,3,Z801200026004,Hollis,Thomas,ULN added,I001,change,uln,,4432342624,"Student already exists in the school, but some data might have been updated"
6,4,,Diallo,Amara,ULN added,I001,change,uln,,8993500931,"Student already exists in the school, but some data might have been updated"
6,4,,Diallo,Amara,ULN added,I009,info,postcode,,,"Import file has postcode 'BS6 5NM', the roster 'BS6 5NL' - not changed"
13,5,F801200026010,Kowalski,Jan,ULN added,I003,warning,enrolment_status,,,"Student has rejoined school, please readmit student"
13,5,F801200026010,Kowalski,Jan,ULN added,I001,change,uln,,1234567805,"Student already exists in the school, but some data might have been updated"
14,6,V801200026011,Wood,Lily,ULN added,I004,warning,enrolment_status,,,Student exists in Pre-admission group with status of Withdrawal
14,6,V801200026011,Wood,Lily,ULN added,I001,change,uln,,2345678916,"Student already exists in the school, but some data might have been updated"
8,7,N801200026005,O'Brien,Niamh,conflict,I006,blocking,uln,,,Student already holds a different ULN (1000000043) - ULN 3456789121 from the import file not taken
,8,M801200026014,Unknown,Person,not found,I005,blocking,,,,Student not found in the school roster - not imported
15,9,J801200026012,Green,Sam,conflict,I006,blocking,uln,,,ULN 1000000043 is already held by another student (roster line 8) - not taken
7,10,A801200005001,Evans,Rhys,unchanged,I008,warning,uln,,,No ULN in the import file for this student
4,11,K801200026003,Fairbairn,Zoë,unchanged,I008,blocking,uln,,,"ULN '1748529631' in the import file is invalid: check digit is 1, expected 2 - not taken"
2,12,G801200026001,Okafor,Chidi,not imported,I010,blocking,,,,Matches the same student as pupil 1 of the import file - not imported
#
# Re-importing the same file changes nothing, and says so.
$ lrs school import-ctf roster2.csv returned.xml --out roster3.csv | tail -n 1
roster3.csv: no changes (the roster already held everything in the file)
$ cmp roster2.csv roster3.csv && echo same
same
#
# Privacy notices for the pupils who have just received a ULN: the roster
# after the import against the one before. Brennan-Walsh is found by her
# former UPN; O'Brien held her ULN already. A pupil without a UPN is named
# by roster line.
$ lrs school privacy-notices roster2.csv --since roster.csv --out notices --school-name "St Mary's & All Saints"
2     G801200026001  Okafor, Chidi            4733206177  notice-G801200026001.html
3     W801200026002  Brennan-Walsh, Siobhán   9453063028  notice-W801200026002.html
5     Z801200026004  Hollis, Thomas           4432342624  notice-Z801200026004.html
6     -              Diallo, Amara            8993500931  notice-line-6.html
13    F801200026010  Kowalski, Jan            1234567805  notice-F801200026010.html
14    V801200026011  Wood, Lily               2345678916  notice-V801200026011.html
notices: 6 privacy notices for pupils who have just received a ULN, listed in index.html
$ ls notices
index.html
notice-F801200026010.html
notice-G801200026001.html
notice-V801200026011.html
notice-W801200026002.html
notice-Z801200026004.html
notice-line-6.html
$ grep -o '<p class="uln">[0-9]*</p>' notices/notice-line-6.html
<p class="uln">8993500931</p>
$ grep -o '<td>St Mary[^<]*</td>' notices/notice-G801200026001.html
<td>St Mary&#39;s &amp; All Saints</td>
$ grep -c '<a href="notice-' notices/index.html
6
$ cat notices/*.html | grep -c -e '<script' -e 'javascript:'
0
? 1
$ lrs school privacy-notices roster2.csv --all --out all | tail -n 1
all: 7 privacy notices for pupils with a valid ULN, listed in index.html
$ lrs school privacy-notices roster2.csv --since roster2.csv --out none && ls none
none: 0 privacy notices for pupils who have just received a ULN, listed in index.html
index.html
#
# Every roster value is escaped in the pages.
$ printf 'upn,uln,surname,forename,date_of_birth,sex,postcode\n,1000000043,"<script>x</script>",Ann,2010-01-01,F,BS1 1AA\n' > evil.csv && lrs school privacy-notices evil.csv --all --out evil
2     -              <script>x</script>, Ann  1000000043  notice-line-2.html
evil: 1 privacy notice for pupils with a valid ULN, listed in index.html
$ grep -h -o '&lt;script&gt;x&lt;/script&gt;' evil/notice-line-2.html evil/index.html
&lt;script&gt;x&lt;/script&gt;
&lt;script&gt;x&lt;/script&gt;
&lt;script&gt;x&lt;/script&gt;
$ cat evil/*.html | grep -c '<script'
0
? 1
#
# Either --since or --all; --out must be a directory.
$ lrs school privacy-notices roster2.csv --out x
? 2
$ lrs school privacy-notices roster2.csv --out x --all --since roster.csv
? 2
$ touch afile && lrs school privacy-notices roster2.csv --all --out afile
2> lrs: cannot create directory 'afile': a file of that name exists
? 1
#
# Census check: text, CSV, summary CSV and an HTML report with a chart.
$ lrs school census-check roster.csv --census-date 2026-01-15 --csv census.csv --summary-csv summary.csv --html census.html
2     G801200026001  Okafor, Chidi            year 11  age 15  no ULN
3     T80120002600A  Brennan-Walsh, Siobhán   year 10  age 14  no ULN
4     K801200026003  Fairbairn, Zoë           year 11  age 15  no ULN
5     Z801200026004  Hollis, Thomas           year 10  age 14  no ULN
7     A801200005001  Evans, Rhys              year 11  age 15  no ULN
9     C801200026006  Patel, Arjun             year 10  age -   no ULN, and no date of birth to tell the age
10    R801200026007  Nguyen, Linh             year 10  age 15  no ULN
11    F801200026008  Smith, Jordan            year 11  age 16  ULN '1748529631' check digit is 1, expected 2
15    J801200026012  Green, Sam               year 10  age 15  no ULN
census day 2026-01-15: 11 pupils on roll, 9 aged 14 and over
year  pupils  with ULN  no ULN  invalid  % with ULN
10         4         0       4        0        0.0
11         5         1       3        1       20.0
all        9         1       7        1       11.1
? 1
$ cat summary.csv
nc_year,pupils_14_plus,with_uln,missing_uln,invalid_uln,percent_with_uln
10,4,0,4,0,0.0
11,5,1,3,1,20.0
all,9,1,7,1,11.1
$ grep -c '<svg' census.html
1
$ grep -c '<script' census.html
0
? 1
#
# The round trip through the real `lrs batch` is school-batch.t.
#
# Malformed rosters: one precise error, and no output file at all.
$ mkdir bad && cd bad && lrs school export-ctf ../bad_date.csv --school 801/2000 --out req.xml --log log.csv --census-date 2026-01-15; echo "rc=$?"; ls
rc=1
2> lrs: ../bad_date.csv line 4, column 9 (date_of_birth): '31/02/2011' is not a valid date: day 31 does not exist in February 2011
$ cd bad && lrs school export-ctf ../dup_upn.csv --school 801/2000 --out req.xml --census-date 2026-01-15; echo "rc=$?"; ls
rc=1
2> lrs: ../dup_upn.csv line 5, column 1 (upn): duplicate UPN 'G801200026001' (also on line 2)
$ cd bad && lrs school import-ctf ../bad_quote.csv ../returned.xml --out out.csv --log log.csv; echo "rc=$?"; ls
rc=1
2> lrs: ../bad_quote.csv line 3, column 17: unterminated quoted field
$ cd bad && lrs school census-check ../bad_column.csv --census-date 2026-01-15 --csv c.csv; echo "rc=$?"; ls
rc=1
2> lrs: ../bad_column.csv line 1, column 7: unknown column 'house'
#
# A failed import leaves the roster as it was, even written in place.
$ cp roster.csv inplace.csv && printf '<CTfile><Header/><CTFpupilData><Pupil>' > broken.xml && lrs school import-ctf inplace.csv broken.xml --out inplace.csv; echo "rc=$?"; cmp roster.csv inplace.csv && echo unchanged
rc=1
unchanged
2> lrs: import of 'broken.xml': line 1, column 39: the file ends inside the document (truncated)
#
# Usage errors.
$ lrs school export-ctf roster.csv --out x.xml
? 2
$ lrs school export-ctf roster.csv --school 80/2000 --out x.xml --census-date 2026-01-15
2> lrs: export to 'x.xml': school must be LA/ESTAB: 3 and 4 digits (e.g. 801/2000)
? 1
$ lrs school frobnicate
2> lrs: 'frobnicate' is not a school command; see 'lrs school --help'
? 2
