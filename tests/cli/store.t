# The register commands: lrs init (idempotent), import learners (all or
# nothing by default, --skip-invalid with a rejects file), show (a merged
# ULN resolves to its master is covered by tests/service), stats, export,
# and the errors for a missing or uninitialised store. ULNs issued by the
# store are random (a keyed permutation), so issued ones are only counted,
# and the allocator counter (which skips about 1 in 11) is not shown.
# Then an import killed with SIGKILL half-way leaves none of it or all of
# it (with one audit row per learner), and a store with a newer schema is
# refused by every command, lrs init included.
# golden.py reads comments only before the first command, so all are here.
$ lrs show 1000000043 --db nosuch.db
2> lrs: cannot open store 'nosuch.db': no such database; run 'lrs init'
? 1
$ lrs init --db r.db
initialised store 'r.db' (schema version 13)
$ lrs init --db r.db
store 'r.db' is up to date (schema version 13)
$ lrs --db r.db stats | head -3
engine:          sqlite
schema version:  13
learners:        0
$ lrs init > /dev/null
$ printf 'uln,given_name,middle_names,family_name,date_of_birth,gender,postcode,address_line1\n1000000043,Ann,,Smith,2010-01-02,2,sw1a1aa,"Flat 3, 27 Mill Lane"\n1748529631,Bob,,Jones,2010-01-02,1,M1 1AE,\n,Cat,,Jones,2010-02-30,2,M1 1AE,\n,Dan,,Jones,2010-02-03,M,M1 1AE,\n,Eve,,,2010-02-03,F,M1 1AE,\n,Fay,,Brown,2010-02-03,F,XX,\n' > bad.csv
$ lrs import learners bad.csv
2> lrs: bad.csv line 3, column 1 (uln): check digit is 1, expected 2
2> lrs: bad.csv line 4, column 5 (date_of_birth): day 30 does not exist in February 2010
2> lrs: bad.csv line 6, column 4 (family_name): is missing
2> lrs: bad.csv line 7, column 7 (postcode): must have 5 to 7 letters and digits, got 2
2> lrs: nothing imported: 4 invalid rows
? 1
$ lrs stats | grep -E '^(learners|audit rows)'
learners:        0
audit rows:      0
$ lrs import learners bad.csv --skip-invalid --rejects rej.csv
imported 2 learners (1 ULN issued), rejected 4 rows (see 'rej.csv')
$ cat rej.csv
uln,given_name,middle_names,family_name,date_of_birth,gender,postcode,address_line1,error
1748529631,Bob,,Jones,2010-01-02,1,M1 1AE,,"line 3, column 1 (uln): check digit is 1, expected 2"
,Cat,,Jones,2010-02-30,2,M1 1AE,,"line 4, column 5 (date_of_birth): day 30 does not exist in February 2010"
,Eve,,,2010-02-03,F,M1 1AE,,"line 6, column 4 (family_name): is missing"
,Fay,,Brown,2010-02-03,F,XX,,"line 7, column 7 (postcode): must have 5 to 7 letters and digits, got 2"
$ lrs show 1000000043
uln:                   1000000043
given_name:            Ann
family_name:           Smith
date_of_birth:         2010-01-02
gender:                2
postcode:              SW1A 1AA
address_line1:         Flat 3, 27 Mill Lane
ability_to_share:      0 (privacy notice not seen)
status:                active
version:               1
$ lrs show 1748529631
2> lrs: invalid ULN '1748529631': check digit is 1, expected 2
? 1
$ lrs show 1748529632
2> lrs: no learner has ULN 1748529632
? 1
$ lrs import learners bad.csv --skip-invalid 2>/dev/null | sed 's/[0-9]* ULN/N ULN/'
imported 1 learner (N ULN issued), rejected 5 rows (see 'bad.csv.rejects.csv')
$ lrs export learners | head -2
uln,given_name,middle_names,family_name,date_of_birth,gender,postcode,previous_family_name,preferred_given_name,address_line1,address_line2,address_line3,address_line4,ability_to_share
1000000043,Ann,,Smith,2010-01-02,2,SW1A 1AA,,,"Flat 3, 27 Mill Lane",,,,0
$ lrs export learners out.csv
exported 3 learners to 'out.csv'
$ lrs init --db r2.db > /dev/null && lrs import learners out.csv --db r2.db
imported 3 learners (0 ULNs issued)
$ lrs export learners --db r2.db | cmp - out.csv && echo same
same
$ lrs stats | tail -9 | head -8
learners:        3
  active:        3
  linked:        0
  closed:        0
name changes:    0
merges:          0
organisations:   1
audit rows:      10
$ printf 'uln,given_name,middle_names,family_name,date_of_birth,gender,postcode\n1000000043,"Ann,,Smith,2010-01-02,2,SW1A 1AA\n' > q.csv && lrs import learners q.csv
2> lrs: q.csv line 2, column 2: unterminated quoted field
2> lrs: nothing imported: q.csv line 2, column 2: unterminated quoted field
? 1
$ printf 'uln,given_name,middle_names,family_name,date_of_birth,gender,postcode\n,Ann\377,,Smith,2010-01-02,2,SW1A 1AA\n' > u.csv && lrs import learners u.csv
2> lrs: u.csv line 2, column 2: invalid UTF-8 at byte 4 of the field
2> lrs: nothing imported: u.csv line 2, column 2: invalid UTF-8 at byte 4 of the field
? 1
$ printf 'uln,given_name,surname\n' > h.csv && lrs import learners h.csv
2> lrs: h.csv line 1, column 3: unknown column 'surname'
2> lrs: nothing imported: 1 invalid row
? 1
$ printf 'uln,given_name,middle_names,family_name,date_of_birth,gender,postcode\n,Ann,,Smith,2010-01-02,2,SW1A 1AA,extra\n' > c.csv && lrs import learners c.csv
2> lrs: c.csv line 2: has 8 fields, expected 7
2> lrs: nothing imported: c.csv line 2: has 8 fields, expected 7
? 1
$ lrs import learners
? 2
$ lrs synth --learners 100000 --queries 1 --seed 5 --out syn > /dev/null && lrs init --db k.db > /dev/null
$ lrs import learners syn/learners.csv --db k.db & p=$!; sleep 0.5; kill -9 $p; wait $p; n=$(lrs stats --db k.db | sed -n 's/^learners: *//p'); a=$(lrs stats --db k.db | sed -n 's/^audit rows: *//p'); if [ "$n" = 0 ] || [ "$n" = 100000 ]; then [ "$a" = "$n" ] && echo "all or nothing"; fi
all or nothing
$ lrs import learners syn/learners.csv --db k.db > /dev/null 2>&1; lrs stats --db k.db | sed -n 's/^learners: *//p'
100000
$ python3 -c "import sqlite3; c = sqlite3.connect('k.db'); c.execute('PRAGMA user_version = 99'); c.commit()"
$ lrs stats --db k.db
2> lrs: store 'k.db' has schema version 99, newer than this program's 13; upgrade lrs
? 1
$ lrs init --db k.db
2> lrs: store 'k.db' has schema version 99, newer than this program's 13; upgrade lrs
? 1
