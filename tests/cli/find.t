# lrs find (docs/matching.md). A synthetic register and its corrupted
# queries go through the match engine and lrs eval holds the answers to
# the quality bounds: false links at most 0.05% of queries, missed links
# at most 0.5% of those with a true match, reviews at most 3% (measured on
# these seeds: 0 false, 0 missed, 1.2-1.7% reviews). The register goes
# through the store too (lrs init, lrs import learners, lrs find --db) and
# gives the same answers. Then single finds by demographics and by ULN,
# the explanation, and usage errors.
$ lrs synth --learners 3000 --queries 1500 --seed 3 --out s > /dev/null
$ lrs find --learners s/learners.csv --csv s/queries.csv --out s/results.csv
$ head -1 s/results.csv
id,code,uln,candidates,score
$ lrs eval --truth s/truth.csv --results s/results.csv --max-false-link 0.05% --max-missed 0.5% --max-review 3% > /dev/null
$ lrs init > /dev/null
$ lrs import learners s/learners.csv
imported 3000 learners (0 ULNs issued)
$ lrs find --csv s/queries.csv --out s/store-results.csv
$ cmp s/results.csv s/store-results.csv && echo same
same
$ lrs find --given Emma --family Morgan --dob 2010-09-28 --gender 2 --postcode "BN6 8JE"
WSRC0004 2931986320
$ lrs synth --learners 3000 --queries 1500 --seed 5 --out t > /dev/null
$ lrs find --learners t/learners.csv --csv t/queries.csv --out t/results.csv
$ lrs eval --truth t/truth.csv --results t/results.csv --max-false-link 0.05% --max-missed 0.5% --max-review 3% > /dev/null
# The first learner of seed 3: Emma Olivia Morgan, 2010-09-28, BN6 8JE.
$ lrs find --learners s/learners.csv --given emma --middle Olivia --family MORGAN --dob 2010-09-28 --gender 2 --postcode bn68je
WSRC0004 2931986320
$ lrs find --learners s/learners.csv --given Morgan --family Emma --dob 2010-09-28 --gender 2 --postcode "BN6 8JE"
WSRC0004 2931986320
$ lrs find --learners s/learners.csv --given Emma --family Morgan --dob 2010-09-28 --gender 2 --postcode "BN6 8JE" --explain
WSRC0004 exact match (exact >= 15.29, weak >= 17.29, possible >= 10.29 bits)
blocks 15, scored 1, above possible 1, oversized blocks 0
uln          score  given             middle            family            dob               gender            postcode
2931986320   39.80  exact      +6.69  missing    +0.00  exact      +7.57  exact     +11.63  same       +0.94  exact     +12.97
# Her unregistered twin sister: never linked.
$ lrs find --learners s/learners.csv --given Ava --family Morgan --dob 2010-09-28 --gender 2 --postcode "BN6 8JE"
WSRC0001
? 1
$ lrs find --learners s/learners.csv --uln 2931986320 --given Emma --family Morgan
WSRC0004 2931986320
$ lrs find --learners s/learners.csv --uln 2931986320 --given Ava --family Morgan
WSRC0001
? 1
$ lrs find --learners s/learners.csv --uln 2931986321 --given Emma --family Morgan
2> lrs: --uln: check digit is 1, expected 0
? 1
$ lrs find --given Emma --family Morgan
2> lrs: give --csv, or --uln with --given and --family, or --given, --family and --dob
2> usage: lrs find [--db PATH | --learners FILE] (--uln ULN --given G --family F |
2>                 --given G --family F --dob YYYY-MM-DD [--gender G]
2>                 [--postcode PC] [--middle M] [--previous-family P] |
2>                 --csv QUERIES [--out RESULTS]) [--model FILE] [--json]
2>                 [--explain]
? 2
$ lrs find --learners s/learners.csv --given Emma --family Morgan --dob 2010-02-30
2> lrs: date_of_birth: day 30 does not exist in February 2010
? 1
