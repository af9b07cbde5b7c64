# The school side's round trip through the real S2S batch (docs/school.md,
# docs/batch.md): a school exports the ULN-request CTF from its roster,
# the LRS (`lrs batch`) returns it with ULNs, the school imports it, and
# the census check finds every pupil aged 14 and over holding a ULN.
# tests/data/school/roundtrip.csv: five pupils who need ULNs (a temporary
# UPN, accents, a hyphen, an address without a street), one who holds a
# ULN already, one too young, one who has left. Issued ULNs are random
# (the register's key is), so they are counted, not printed.
$ cp "$LRS_TEST_DATA"/../data/school/roundtrip.csv .
$ lrs init > /dev/null
$ lrs school export-ctf roundtrip.csv --school 801/2000 --out request.xml --census-date 2026-01-15 --date-time 2026-01-10T09:00:00
5     Z801200026004  Hollis, Thomas           warning  W002  Student address exported but street is missing
request.xml: 5 pupils exported, 0 not exported (blocked), 1 warning; census day 2026-01-15
$ lrs batch request.xml --out returned.xml --report report.csv --on 2026-01-15
job 1: 5 pupils: 5 new, 0 existing, 0 possible match, 0 not found, 0 rejected; exceptions: 0 open, 0 resolved
$ cat report.csv
row,upn,surname,forename,dob,code,category,reason,candidates,exception
$ lrs stats | grep '^learners'
learners:        5
$ lrs school import-ctf roundtrip.csv returned.xml --out roster2.csv --log import-log.csv | tail -n 2
5 pupils in the file: 5 matched, 5 ULNs added, 0 UPNs updated, 0 unchanged, 0 not found, 0 conflicts
roster2.csv: 5 roster cells changed, each in the log
$ grep -c ',I001,change,uln,,[0-9]\{10\},' import-log.csv
5
$ lrs school census-check roster2.csv --census-date 2026-01-15
census day 2026-01-15: 7 pupils on roll, 6 aged 14 and over
year  pupils  with ULN  no ULN  invalid  % with ULN
10         3         3       0        0      100.0
11         3         3       0        0      100.0
all        6         6       0        0      100.0
#
# Nothing left to ask for.
$ lrs school export-ctf roster2.csv --school 801/2000 --out again.xml --census-date 2026-01-15
again.xml: 0 pupils exported, 0 not exported (blocked), 0 warnings; census day 2026-01-15
#
# The same request again is the same job: the same ULNs, nobody
# registered twice; importing it again changes nothing.
$ lrs batch request.xml --out returned2.xml --report report2.csv --on 2026-01-15
job 1: 5 pupils: 5 new, 0 existing, 0 possible match, 0 not found, 0 rejected; exceptions: 0 open, 0 resolved
2> lrs: 'request.xml' was sent before: job 1 (done)
$ cmp returned.xml returned2.xml && echo same
same
$ lrs stats | grep '^learners'
learners:        5
$ lrs school import-ctf roster2.csv returned2.xml --out roster3.csv | tail -n 2
5 pupils in the file: 5 matched, 0 ULNs added, 0 UPNs updated, 5 unchanged, 0 not found, 0 conflicts
roster3.csv: no changes (the roster already held everything in the file)
$ cmp roster2.csv roster3.csv && echo same
same
#
# Privacy notices for the five new ULNs.
$ lrs school privacy-notices roster2.csv --since roundtrip.csv --out notices | tail -n 1
notices: 5 privacy notices for pupils who have just received a ULN, listed in index.html
#
# The same five printed into one PDF, a sheet each, by Debian's chromium
# (what the browser tests use; `make test` installs it). The scratch
# directory holding the pupils' page (here under TMPDIR) is removed.
$ TMPDIR="$PWD" lrs school privacy-notices roster2.csv --since roundtrip.csv --pdf notices.pdf
notices.pdf: 5 privacy notices for pupils who have just received a ULN, a sheet each
$ head -c 5 notices.pdf; echo
%PDF-
$ grep -a -o -E '/Type ?/Page([^s]|$)' notices.pdf | wc -l
5
$ ls | grep -c lrs-notices || true
0
#
# Without the browser (or when it fails) no PDF is written.
$ LRS_CHROMIUM=/nonexistent lrs school privacy-notices roster2.csv --since roundtrip.csv --pdf none.pdf
? 1
2> lrs: --pdf: needs chromium (Debian package 'chromium'): '/nonexistent' is not an executable; install it or set LRS_CHROMIUM
$ LRS_CHROMIUM=/bin/false lrs school privacy-notices roster2.csv --since roundtrip.csv --pdf none.pdf
? 1
2> lrs: --pdf: '/bin/false' failed (exit status 1); nothing written
$ ls none.pdf 2>/dev/null | wc -l
0
