# lrs uln/upn/postcode check: one line per argument, exit 0 when all are
# valid, 1 otherwise, 2 on a usage error (with a usage line on stderr);
# --help prints to stdout and exits 0. Vectors: every example of DOMAIN.md
# (ULN: DfE school census rule 1575, ESFA ILR validator, DAS shared
# packages; UPN: GovTalk UPN standard v2.0 and the DfE wording; postcodes:
# the LRS schema MIAPPostCode, BFPO and the ZZ99 placeholders).
# golden.py reads comments only before the first command, so all are here.
$ lrs uln check 1000000043 1748529632 1026893096 6936002314 4444599390
valid
valid
valid
valid
valid
? 0
$ lrs uln check 1000000063
invalid: has no valid check digit (remainder 0)
? 1
$ lrs uln check 1748529631
invalid: check digit is 1, expected 2
? 1
$ lrs uln check 9999999999
invalid: check digit is 9, expected 8
? 1
$ lrs uln check 123456789 12345678901 ABC4567890 0123456789
invalid: must be 10 digits, got 9
invalid: must be 10 digits, got 11
invalid: must contain only digits
invalid: must not start with 0
? 1
$ lrs uln check 1000000043 1000000063 4444599390
valid
invalid: has no valid check digit (remainder 0)
valid
? 1
$ lrs uln check ''
invalid: is missing
? 1
$ lrs uln check ' 1000000043'
invalid: must contain only digits
? 1
$ lrs uln check -- 1000000043
valid
? 0
$ lrs upn check H801200001001 B801200005001 G80120000101A
valid
valid
valid (temporary)
? 0
$ lrs upn check Z801200001001 A801200005001
invalid: UPN invalid (wrong check letter at character 1)
invalid: UPN invalid (wrong check letter at character 1)
? 1
$ lrs upn check ''
invalid: UPN is missing
? 1
$ lrs upn check R900400001001 H8X1200001001
invalid: UPN invalid (characters 2-4 not a recognised LA code)
invalid: UPN invalid (characters 2-4 not a recognised LA code)
? 1
$ lrs upn check H8012000A1001
invalid: UPN invalid (characters 5-12 not all numeric)
? 1
$ lrs upn check H80120000100S
invalid: UPN invalid (character 13 not a recognised value)
? 1
$ lrs upn check H80120000100 h801200001001
invalid: UPN invalid (must be 13 characters, got 12)
invalid: UPN invalid (wrong check letter at character 1)
? 1
$ lrs postcode check 'SW1A 1AA' sw1a1aa ' m1 1ae ' 'GIR 0AA' 'bfpo 57' BFPO1234
valid: SW1A 1AA
valid: SW1A 1AA
valid: M1 1AE
valid: GIR 0AA
valid: BFPO 57
valid: BFPO 1234
? 0
$ lrs postcode check 'ZZ99 9ZZ' 'ZZ99 3VZ' 'ZZ99 3CZ' 'ZZ99 3GZ' 'ZZ99 1WZ' 'ZZ99 2WZ' zz997ab
valid: ZZ99 9ZZ (unknown placeholder)
valid: ZZ99 3VZ (unknown placeholder)
valid: ZZ99 3CZ (unknown placeholder)
valid: ZZ99 3GZ (unknown placeholder)
valid: ZZ99 1WZ (unknown placeholder)
valid: ZZ99 2WZ (unknown placeholder)
valid: ZZ99 7AB (unknown placeholder)
? 0
$ lrs postcode check 'SW1A 1CA' 'SW1A AAA' 'SWA 1AA' 'S 1AA' 'SW1A-1AA' 'BFPO 12345' ''
invalid: inward code '1CA' must end in two letters other than C, I, K, M, O or V
invalid: inward code 'AAA' must start with a digit
invalid: outward code 'SWA' must be 1 or 2 letters, a digit (or R) and an optional letter or digit
invalid: must have 5 to 7 letters and digits, got 4
invalid: must contain only letters, digits and spaces
invalid: BFPO number must be 1 to 4 digits
invalid: is missing
? 1
$ lrs postcode check 'SW1A 1ÅA'
invalid: must contain only ASCII characters
? 1
$ lrs postcode check 'SW1A 1AA                                                          X'
invalid: must be at most 64 bytes, got 67
? 1
$ lrs uln
2> usage: lrs uln check <uln>...
? 2
$ lrs uln check
2> usage: lrs uln check <uln>...
? 2
$ lrs upn verify H801200001001
2> lrs: 'verify' is not an 'lrs upn' command; see 'lrs upn --help'
2> usage: lrs upn check <upn>...
? 2
$ lrs postcode check --strict 'SW1A 1AA'
2> lrs: unknown option '--strict'
2> usage: lrs postcode check <postcode>...
? 2
$ lrs postcode
2> usage: lrs postcode check <postcode>...
? 2
$ lrs uln --help
usage: lrs uln check <uln>...

Check Unique Learner Numbers: ten digits, the first not 0, ending in
the check digit (weights 10 to 2, sum mod 11, 10 minus the remainder).
Prints one line per ULN: 'valid' or 'invalid: <reason>'.

Exit status: 0 when every ULN is valid, 1 otherwise, 2 on bad usage.
? 0
$ lrs upn check -h
usage: lrs upn check <upn>...

Check Unique Pupil Numbers: a check letter, a recognised LA number,
eight more digits and a digit (permanent) or letter (temporary).
Prints one line per UPN: 'valid', 'valid (temporary)' or
'invalid: <reason>' in the DfE wording.

Exit status: 0 when every UPN is valid, 1 otherwise, 2 on bad usage.
? 0
$ lrs help postcode
usage: lrs postcode check <postcode>...

Check UK postcodes against the LRS pattern (or BFPO n) and print each
in canonical form: 'valid: <OUTWARD INWARD>', with ' (unknown
placeholder)' after a ZZ99 postcode, or 'invalid: <reason>'. Case and
spaces do not matter; quote a postcode that holds a space.

Exit status: 0 when every postcode is valid, 1 otherwise, 2 on bad
usage.
? 0
