# lrs org, lrs user, lrs token (accounts): organisations by LA+estab, URN
# or UKPRN; users get a generated password printed once (20 base64url
# characters, masked here); reset and disable; tokens printed once;
# each change audited as the command line's, naming the user changed;
# duplicates, a role that does not suit the organisation (the service's
# rule) and bad input name what is wrong.
$ lrs init > /dev/null
$ lrs org add --type school --name "Mill Lane Primary" --la 801 --estab 2000
added organisation 1
$ lrs org add --type ao --name "Example Awards" --ukprn 10012345
added organisation 2
$ lrs org add --type school --name "Hill School" --urn 100123
added organisation 3
$ lrs org add --type school --name "Copy" --la 801 --estab 2000
2> lrs: cannot add organisation 'Copy': an organisation with this identifier exists
? 1
$ lrs org add --type college --name X --urn 5
2> lrs: unknown organisation type 'college'; expected school, ao or provider
? 2
$ lrs org add --type school --name X --la 801
2> lrs: --la needs --estab, a number from 0 to 9999
? 2
$ lrs org list
0	lrs	Learning Records Service
1	school	Mill Lane Primary	la=801 estab=2000
2	ao	Example Awards	ukprn=10012345
3	school	Hill School	urn=100123
$ lrs user add --org 1 --login head@mill --role admin,school --name "Ms Ng" | sed 's/^password: [A-Za-z0-9_-]\{20\}$/password: (20 characters)/'
added user 1 'head@mill'
password: (20 characters)
$ lrs user add --org 1 --login head@mill --role school
2> lrs: cannot add user 'head@mill': login 'head@mill' is taken
? 1
$ lrs user add --org 9 --login x --role school
2> lrs: cannot add user 'x': no organisation has id 9
? 1
$ lrs user add --org 1 --login y --role janitor
2> lrs: unknown role 'janitor'; expected school, admin, ao, operator or learner
? 2
$ lrs user add --org 2 --login y --role school
2> lrs: cannot add user 'y': a user of awarding organisation 'Example Awards' cannot have the role school
? 1
$ lrs user add --org 0 --login y --role admin
2> lrs: cannot add user 'y': a user of the LRS 'Learning Records Service' cannot have the role admin
? 1
$ lrs user reset-password head@mill | sed 's/: [A-Za-z0-9_-]\{20\}$/: (20 characters)/'
new password for 'head@mill': (20 characters)
(to be changed at the next sign-in; every session ended)
$ lrs user reset-password nobody
2> lrs: no user has login 'nobody'
? 1
$ lrs token add --user head@mill --label "MIS" | sed 's/lrst_[A-Za-z0-9_-]\{43\}$/lrst_(43 characters)/'
token 1 for 'head@mill': lrst_(43 characters)
$ lrs user disable head@mill
disabled user 'head@mill' (every session ended)
$ python3 -c "import sqlite3; c = sqlite3.connect('lrs.db'); [print(*r) for r in c.execute('SELECT action, user_id, org_id, source, subject_user_id FROM audit_log WHERE subject_user_id IS NOT NULL ORDER BY id')]"
user_add 0 0 cli 1
user_password 0 0 cli 1
token_add 0 0 cli 1
user_disable 0 0 cli 1
$ lrs user add --org 0 --login ops --role operator > /dev/null
$ lrs user list
1	head@mill	org=1	school,admin	disabled
2	ops	org=0	operator	must-change-password
$ lrs user list --org 0
2	ops	org=0	operator	must-change-password
$ lrs user list --org x
2> lrs: --org must be an organisation's id (a number)
? 2
# A learner's own account: for a learner of the register, audited as the
# command line's naming the account and the learner; a ULN nobody has,
# or none, is named.
$ printf 'uln,given_name,middle_names,family_name,date_of_birth,gender,postcode\n1000000043,Ruth,,Okafor,2008-03-02,2,SW1A 1AA\n' > learners.csv
$ lrs import learners learners.csv
imported 1 learner (0 ULNs issued)
$ lrs user add --org 0 --login ruth --role learner --uln 1000000043 | sed 's/^password: [A-Za-z0-9_-]\{20\}$/password: (20 characters)/'
added user 3 'ruth'
password: (20 characters)
$ lrs user add --org 0 --login tom --role learner --uln 1748529632
2> lrs: cannot add user 'tom': --uln: no learner has ULN 1748529632
? 1
$ lrs user add --org 0 --login tom --role learner
2> lrs: cannot add user 'tom': --uln: is missing
? 1
$ python3 -c "import sqlite3; c = sqlite3.connect('lrs.db'); [print(*r) for r in c.execute('SELECT action, user_id, source, subject_user_id, uln FROM audit_log WHERE subject_user_id = 3')]"
user_add 0 cli 3 1000000043
