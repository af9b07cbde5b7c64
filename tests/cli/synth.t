# lrs synth and lrs eval (docs/synth.md). synth: the same seed gives the
# same bytes and no temporary file is left behind; option errors. eval: a
# perfect matcher meets every bound, one that never links misses every true
# match; hand-made files with one true link, one review holding the truth,
# one false link to a twin and one missed link; malformed files name the
# file, line, column and rule.
$ lrs synth --learners 300 --queries 50 --seed 5 --out d
learners 300 in 273 families (50 with a sibling, 2 twins)
queries 50 (41 with a register match)
  exact          12
  typo_given     2
  typo_family    3
  nickname       2
  swapped_names  3
  dob_swap       4
  dob_typo       3
  moved          7
  no_postcode    2
  no_gender      1
  diacritics     1
  married_name   1
  previous_name  3
  no_middle      4
  new_person     5
  twin           1
  sibling        3
$ lrs synth --learners 300 --queries 50 --seed 5 --out e > /dev/null && cmp d/learners.csv e/learners.csv && cmp d/queries.csv e/queries.csv && cmp d/truth.csv e/truth.csv && echo identical
identical
$ ls -A d
learners.csv
queries.csv
truth.csv
$ head -1 d/learners.csv && head -1 d/queries.csv && head -1 d/truth.csv
uln,given_name,middle_names,family_name,date_of_birth,gender,postcode,previous_family_name,preferred_given_name,address_line1,address_line2,address_line3
id,given_name,middle_names,family_name,date_of_birth,gender,postcode
id,uln,kind
$ wc -l < d/learners.csv && wc -l < d/queries.csv && wc -l < d/truth.csv
301
51
51
$ head -2 d/queries.csv | tail -1
q000001,David,,Thompson,2012-09-11,1,B15 3RT
$ lrs synth --learners 10
2> lrs: --out DIR is required
2> usage: lrs synth --learners N --queries M --seed S [--duplicates D] --out DIR
? 2
$ lrs synth --learners 10 --duplicates 1001 --out x
2> lrs: --duplicates must be a number from 0 to 1000, got '1001'
? 2
$ lrs synth --learners 0 --out x
2> lrs: cannot generate: learner count must be 1 to 100000000
? 2
$ lrs synth --learners ten --out x
2> lrs: --learners must be a number from 0 to 100000000, got 'ten'
? 2
$ lrs synth --out /nonexistent/dir
2> lrs: cannot generate: cannot create directory '/nonexistent/dir': No such file or directory
? 1
$ awk -F, 'NR==1{print "id,code,uln,candidates,score";next} $2!=""{print $1",WSRC0004,"$2",,";next} {print $1",WSRC0001,,,"}' d/truth.csv > perfect.csv && lrs eval --truth d/truth.csv --results perfect.csv --max-false-link 0 --max-missed 0 --max-review 0
queries                    50  (41 with a true match)
true links                 41
false links                 0   0.00% of queries (0 to a wrong learner)
missed links                0   0.00% of queries with a true match
reviews                     0   0.00% of queries (0 holding the true ULN)
precision              1.0000
recall                 1.0000
F1                     1.0000
recall incl. review    1.0000

kind            queries   false  missed  review    prec  recall      F1 rec+rev
exact                12   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
typo_given            2   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
typo_family           3   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
nickname              2   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
swapped_names         3   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
dob_swap              4   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
dob_typo              3   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
moved                 7   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
no_postcode           2   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
no_gender             1   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
diacritics            1   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
married_name          1   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
previous_name         3   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
no_middle             4   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
new_person            5   0.00%       -   0.00%       -       -       -       -
twin                  1   0.00%       -   0.00%       -       -       -       -
sibling               3   0.00%       -   0.00%       -       -       -       -
$ awk -F, 'NR==1{print "id,code,uln,candidates,score";next} {print $1",WSRC0001,,,"}' d/truth.csv > none.csv && lrs eval --truth d/truth.csv --results none.csv --max-missed 5% | head -5
queries                    50  (41 with a true match)
true links                  0
false links                 0   0.00% of queries (0 to a wrong learner)
missed links               41 100.00% of queries with a true match
reviews                     0   0.00% of queries (0 holding the true ULN)
2> lrs: missed-link rate 100.00% exceeds --max-missed 5.00%
$ lrs eval --truth d/truth.csv --results none.csv --max-missed 5% > /dev/null
2> lrs: missed-link rate 100.00% exceeds --max-missed 5.00%
? 1
$ printf 'id,uln,kind\nq1,1000000043,exact\nq2,1748529632,typo_given+moved\nq3,,twin\nq4,1026893096,moved\n' > t.csv
$ printf 'id,code,uln,candidates,score\nq1,WSRC0004,1000000043,,9.5\nq2,WSRC0003,,1748529632 1000000043,4\nq3,WSRC0022,6936002314,,\nq4,WSRC0001,,,\n' > r.csv
$ lrs eval --truth t.csv --results r.csv
queries                     4  (3 with a true match)
true links                  1
false links                 1  25.00% of queries (0 to a wrong learner)
missed links                1  33.33% of queries with a true match
reviews                     1  25.00% of queries (1 holding the true ULN)
precision              0.5000
recall                 0.3333
F1                     0.4000
recall incl. review    0.6667

kind            queries   false  missed  review    prec  recall      F1 rec+rev
exact                 1   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
typo_given            1   0.00%   0.00% 100.00%       -  0.0000       -  1.0000
moved                 2   0.00%  50.00%  50.00%       -  0.0000       -  0.5000
twin                  1 100.00%       -   0.00%  0.0000       -       -       -
$ lrs eval --truth t.csv --results r.csv --json
{
  "overall": {"queries": 4, "matchable": 3, "true_links": 1, "false_links": 1, "wrong_links": 0, "missed_links": 1, "reviews": 1, "review_hits": 1, "true_new": 0, "false_link_rate": 0.250000, "missed_link_rate": 0.333333, "review_rate": 0.250000, "precision": 0.500000, "recall": 0.333333, "f1": 0.400000, "recall_incl_review": 0.666667},
  "kinds": [
    {"kind": "exact", "queries": 1, "matchable": 1, "true_links": 1, "false_links": 0, "wrong_links": 0, "missed_links": 0, "reviews": 0, "review_hits": 0, "true_new": 0, "false_link_rate": 0.000000, "missed_link_rate": 0.000000, "review_rate": 0.000000, "precision": 1.000000, "recall": 1.000000, "f1": 1.000000, "recall_incl_review": 1.000000},
    {"kind": "typo_given", "queries": 1, "matchable": 1, "true_links": 0, "false_links": 0, "wrong_links": 0, "missed_links": 0, "reviews": 1, "review_hits": 1, "true_new": 0, "false_link_rate": 0.000000, "missed_link_rate": 0.000000, "review_rate": 1.000000, "precision": null, "recall": 0.000000, "f1": null, "recall_incl_review": 1.000000},
    {"kind": "moved", "queries": 2, "matchable": 2, "true_links": 0, "false_links": 0, "wrong_links": 0, "missed_links": 1, "reviews": 1, "review_hits": 1, "true_new": 0, "false_link_rate": 0.000000, "missed_link_rate": 0.500000, "review_rate": 0.500000, "precision": null, "recall": 0.000000, "f1": null, "recall_incl_review": 0.500000},
    {"kind": "twin", "queries": 1, "matchable": 0, "true_links": 0, "false_links": 1, "wrong_links": 0, "missed_links": 0, "reviews": 0, "review_hits": 0, "true_new": 0, "false_link_rate": 1.000000, "missed_link_rate": null, "review_rate": 0.000000, "precision": 0.000000, "recall": null, "f1": null, "recall_incl_review": null}
  ]
}
$ lrs eval --truth t.csv --results r.csv --max-false-link 0.1 --max-review 10%
queries                     4  (3 with a true match)
true links                  1
false links                 1  25.00% of queries (0 to a wrong learner)
missed links                1  33.33% of queries with a true match
reviews                     1  25.00% of queries (1 holding the true ULN)
precision              0.5000
recall                 0.3333
F1                     0.4000
recall incl. review    0.6667

kind            queries   false  missed  review    prec  recall      F1 rec+rev
exact                 1   0.00%   0.00%   0.00%  1.0000  1.0000  1.0000  1.0000
typo_given            1   0.00%   0.00% 100.00%       -  0.0000       -  1.0000
moved                 2   0.00%  50.00%  50.00%       -  0.0000       -  0.5000
twin                  1 100.00%       -   0.00%  0.0000       -       -       -
2> lrs: false-link rate 25.00% exceeds --max-false-link 10.00%
2> lrs: review rate 25.00% exceeds --max-review 10.00%
? 1
$ printf 'id,code,uln,candidates,score\nq1,WSRC0004,1748529631,,\n' > bad.csv && lrs eval --truth t.csv --results bad.csv
2> lrs: bad.csv line 2, column 3 (uln): check digit is 1, expected 2
? 1
$ printf 'id,code,uln,candidates,score\nq1,WSRC0001,,,\n' > short.csv && lrs eval --truth t.csv --results short.csv
2> lrs: id 'q2' (line 3 of the truth file) has no result in short.csv
? 1
$ printf 'id,code,uln,candidates,score\nq9,WSRC0001,,,\n' > other.csv && lrs eval --truth t.csv --results other.csv
2> lrs: other.csv line 2, column 1 (id): id is not in the truth file
? 1
$ lrs eval --truth t.csv --results missing.csv
2> lrs: cannot open 'missing.csv': No such file or directory
? 1
$ lrs eval --truth t.csv
2> lrs: --truth and --results are required
2> usage: lrs eval --truth TRUTH --results RESULTS [--json]
2>                 [--max-false-link R] [--max-missed R] [--max-review R]
? 2
$ lrs eval --truth t.csv --results r.csv --max-review lots
2> lrs: a rate is a number from 0 to 1 or a percentage, got 'lots'
2> usage: lrs eval --truth TRUTH --results RESULTS [--json]
2>                 [--max-false-link R] [--max-missed R] [--max-review R]
? 2
