# lrs find --csv: queries read with lib/csv (strict: the header's field
# count on every record, errors with line and column) and results written
# whole or not at all: a bad query file leaves an earlier results file as
# it was and no temporary file behind.
$ lrs synth --learners 500 --queries 20 --seed 3 --out s > /dev/null
$ lrs find --learners s/learners.csv --csv s/queries.csv --out r.csv
$ wc -l < r.csv
21
$ cp r.csv before.csv
$ head -3 s/queries.csv > bad.csv
$ printf 'q9,Emma,,Morgan,2010-09-28,2\n' >> bad.csv
$ lrs find --learners s/learners.csv --csv bad.csv --out r.csv
2> lrs: bad.csv line 4: has 6 fields, expected 7
? 1
$ cmp r.csv before.csv && ls
bad.csv
before.csv
r.csv
s
$ head -2 s/queries.csv > bad2.csv
$ printf 'q8,Emma,,Morgan,2010-13-28,2,\n' >> bad2.csv
$ lrs find --learners s/learners.csv --csv bad2.csv --out r.csv
2> lrs: bad2.csv line 3: date_of_birth: month 13 is not 1-12
? 1
$ printf 'id,given_name,middle_names,family_name\n"q1,Ann,,Lee\n' > open.csv
$ lrs find --learners s/learners.csv --csv open.csv
2> lrs: open.csv line 2, column 1: unterminated quoted field
? 1
$ printf 'id,given_name\n' > nohead.csv
$ lrs find --learners s/learners.csv --csv nohead.csv
2> lrs: nohead.csv: the header has no column 'middle_names'
? 1
$ : > empty.csv
$ lrs find --learners s/learners.csv --csv empty.csv
2> lrs: empty.csv is empty: expected a header
? 1
# An id holding a comma is quoted in the results, as CSV needs.
$ printf 'id,given_name,middle_names,family_name,date_of_birth,gender,postcode\n"a,1",Zed,,Nobody,2010-01-01,1,\n' > comma.csv
$ lrs find --learners s/learners.csv --csv comma.csv
id,code,uln,candidates,score
"a,1",WSRC0001,,,
$ lrs find --learners s/learners.csv --csv s/queries.csv --out /nonexistent/r.csv
2> lrs: cannot create a file beside '/nonexistent/r.csv': No such file or directory
? 1
