# lrs batch and lrs exceptions (docs/batch.md) on a school's ULN request
# (tests/data/batch/school.xml) against a synthetic register. Issued ULNs
# are random (the register's key is), so they are counted, not printed.
$ cp "$LRS_TEST_DATA"/../data/batch/school.xml "$LRS_TEST_DATA"/../data/ctf/ctf25_sample.xml "$LRS_TEST_DATA"/../data/ctf/hostile/truncated.xml .
$ lrs synth --learners 2000 --queries 10 --seed 3 --out s > /dev/null
$ lrs init > /dev/null
$ lrs import learners s/learners.csv
imported 2000 learners (0 ULNs issued)
$ lrs batch school.xml --out out.xml --report report.csv --html report.html --on 2026-09-14
job 1: 8 pupils: 1 new, 2 existing, 1 possible match, 1 not found, 3 rejected; exceptions: 5 open, 0 resolved
# Emma's ULN twice (found, and verified), her twin Ava's new one.
$ grep -c '<UniqueLearnerNumber>2931986320<' out.xml
2
$ grep -c '<UniqueLearnerNumber>' out.xml
3
$ grep -c '<Pupil>' out.xml
8
$ grep -o '<SupplierID>[^<]*<' out.xml
<SupplierID>openlrs<
$ cat report.csv
row,upn,surname,forename,dob,code,category,reason,candidates,exception
4,U801200002001,Fairbairn,Zoë,2010-11-30,RC010,rejected,Null Values: postcode is missing,,1
5,,Diallo,Amara,2010-05-09,RC006,rejected,UPN Missing or Invalid: UPN is missing,,2
6,H801200001001,Young,Gus,2020-01-01,RC013,rejected,age 6 on 2026-09-14 is outside 13-110,,3
7,H801200001001,Morgan,Emma,2010-09-28,WSEC0136,not found,"the ULN sent is invalid: check digit is 1, expected 0",,4
8,H801200001001,Morgen,Emma,2010-09-28,WSRC0003,possible match,possible matches: 1; choose the learner or register a new one,2931986320,5
$ grep -c '<tr><td>' report.html
6
$ lrs exceptions list --status open
1	job 1	row 4	RC010	open		Null Values: postcode is missing
2	job 1	row 5	RC006	open		UPN Missing or Invalid: UPN is missing
3	job 1	row 6	RC013	open		age 6 on 2026-09-14 is outside 13-110
4	job 1	row 7	WSEC0136	open		the ULN sent is invalid: check digit is 1, expected 0
5	job 1	row 8	WSRC0003	open	2931986320	possible matches: 1; choose the learner or register a new one
# The same file again: the same job and outputs; nobody registered twice.
$ lrs stats | grep '^learners'
learners:        2001
$ lrs batch school.xml --out again.xml --report again.csv --on 2026-09-14
job 1: 8 pupils: 1 new, 2 existing, 1 possible match, 1 not found, 3 rejected; exceptions: 5 open, 0 resolved
2> lrs: 'school.xml' was sent before: job 1 (done)
$ cmp out.xml again.xml && cmp report.csv again.csv && echo same
same
$ lrs stats | grep '^learners'
learners:        2001
# Resolving: the possible match is Emma; the ULN flows into the returned CTF.
$ lrs exceptions resolve 5 --uln 2931986320 --reason "same pupil: the MIS has a typo" --out out.xml --report report.csv
exception 5 resolved: 2931986320
$ grep -c '<UniqueLearnerNumber>2931986320<' out.xml
3
$ grep -c WSRC0003 report.csv
0
? 1
$ lrs exceptions resolve 5 --uln 2931986320 --reason again
2> lrs: cannot resolve exception 5: id: exception 5 is already resolved (2931986320)
? 1
# A new learner for the guest pupil cannot be made without the data.
$ lrs exceptions resolve 1 --new --reason "a new pupil"
2> lrs: cannot resolve exception 1: postcode: is missing
? 1
$ lrs exceptions resolve 9 --new --reason x
2> lrs: cannot resolve exception 9: id: no exception 9
? 1
$ lrs exceptions list --status resolved
5	job 1	row 8	WSRC0003	resolved	2931986320	possible matches: 1; choose the learner or register a new one
$ lrs exceptions list --code RC013
3	job 1	row 6	RC013	open		age 6 on 2026-09-14 is outside 13-110
$ lrs exceptions list --code WSRC0003 --status open
$ lrs exceptions list --code WSRC0004
2> lrs: --code: 'WSRC0004' is not the code of an exception (docs/batch.md)
? 2
$ lrs exceptions resolve 3 --uln 2931986320
2> lrs: give --uln ULN or --new, and --reason
2> usage: lrs exceptions list [--job N] [--status open|resolved] [--code CODE]
2>                     [--db DB]
2>    or: lrs exceptions resolve ID (--uln ULN | --new) --reason TEXT
2>                               [--db DB] [--out OUT.xml]
2>                               [--report REPORT.csv] [--html FILE]
? 2
# Another sample: a sent ULN that no learner has.
$ lrs batch ctf25_sample.xml --out sample.xml --report sample.csv --on 2026-09-14 | sed 's/job [0-9]*/job N/'
job N: 6 pupils: 3 new, 0 existing, 0 possible match, 1 not found, 2 rejected; exceptions: 3 open, 0 resolved
$ cut -d, -f1,2,6,7 sample.csv
row,upn,code,category
3,U801200002001,RC010,rejected
5,,RC006,rejected
6,Q801200004001,WSVRC006,not found
# A malformed file fails its job and changes nothing.
$ lrs batch truncated.xml --out t.xml --report t.csv
2> lrs: batch job 3 failed: line 13, column 19: the file ends inside the document (truncated)
? 1
$ ls t.xml 2>&1 | sed 's/.*: //'
No such file or directory
$ lrs batch list | cut -f1-3
3	failed	0/0
2	done	6/6
1	done	8/8
$ lrs batch school.xml --out o.xml
2> lrs: give the CTF, --out and --report
2> usage: lrs batch IN.xml --out OUT.xml --report REPORT.csv [--html REPORT.html]
2>                  [--db DB] [--org ID] [--on YYYY-MM-DD]
2>    or: lrs batch list [--db DB] [--org ID]
? 2
