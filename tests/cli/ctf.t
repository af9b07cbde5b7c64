# lrs ctf show / validate on the sample and hostile CTFs of tests/data/ctf
# (docs/ctf.md). validate lists one line per finding (pupil, UPN, names,
# code, severity, reason) and a summary; exit 0 when nothing blocks, 1 when
# something does or the file is malformed ("lrs: ctf 'FILE': line L,
# column C: <what>", nothing else printed, libxml2 silent), 2 on usage.
# Ages are taken on --date so the transcript does not age.
# golden.py reads comments only before the first command, so all are here.
$ cp -r "$LRS_TEST_DATA"/../data/ctf/. .
$ lrs ctf show ctf25_sample.xml
CTF 25.0 from ExampleMIS, 2025-10-01T09:15:00, partial
source: 801/2000 St Mary & St John Academy (URN 100000), academic year 2025
destination: XXX/XXXX
1  H801200001001  -           Okafor, Chidi  2010-03-14  M  BS8 4NU
2  G80120000101A  -           Brennan-Walsh, Siobhán  2011-07-02  F  bs1 6xn
3  U801200002001  -           Fairbairn, Zoë  2010-11-30  F  -
4  E801200003001  -           Hollis, Thomas  2011-01-21  M  BS40 6JE
5  -              -           Diallo, Amara  2010-05-09  F  BS7 8AA
6  Q801200004001  1000000043  O'Brien, Niamh  2009-12-25  F  BS1 6SP
6 pupils
$ lrs ctf show ctf24_gender.xml
CTF 24.0 from OtherMIS, 2024-11-04T14:02:31, full
source: 802/4001 Vale Community School (URN -), academic year 2024
destination: XXX/XXXX
1  M801200006001  -           Patel, Arjun  2010-02-01  M  BS48 1AA
2  Y801200007001  -           Cavendish-Bentinck, Maximilian Alexander Christopher Jon  2010-09-09  M  BS49 5AB
3  J801200008001  -           Nguyen, Linh  2011-02-30  F  BS48 1BB
4  V801200009001  -           Kowalski, Jan  2010-04-04  X  BS48 1BB
5  G801200010001  -           Ahmed, Yusuf  2013-06-01  M  BS48 1BB
6  A801200005001  -           Evans, Rhys  2010-08-08  M  BS48 1BB
7  T801200011001  1748529631  Smith, Jordan  2009-10-10  F  ZZ99 3VZ
8  D801200012001  -           -, Ellie  2010-01-01  F  -
8 pupils
$ lrs ctf validate ctf25_ready.xml --date 2025-10-01
2 pupils: 2 ready, 0 blocked; 0 blocking findings, 0 warnings
$ lrs ctf validate ctf25_sample.xml --date 2025-10-01
pupil 3, U801200002001 Fairbairn, Zoë: RC010 (blocking) Null Values: postcode is missing
pupil 4, E801200003001 Hollis, Thomas: W002 (warning) Student address exported but street is missing
pupil 5, (no UPN) Diallo, Amara: W001 (warning) UPN Missing or Invalid: UPN is missing
pupil 6, Q801200004001 O'Brien, Niamh: W003 (warning) pupil already has a ULN (1000000043)
6 pupils: 5 ready, 1 blocked; 1 blocking finding, 3 warnings
? 1
$ lrs ctf validate ctf24_gender.xml --date 2025-10-01
pupil 2, Y801200007001 Cavendish-Bentinck, Maximilian Alexander Christopher Jon: RC011 (blocking) Forename is 36 characters, longer than 35
pupil 3, J801200008001 Nguyen, Linh: RC011 (blocking) DOB '2011-02-30' is not a valid date: day 30 does not exist in February 2011
pupil 4, V801200009001 Kowalski, Jan: RC011 (blocking) Gender 'X' is not M or F
pupil 5, G801200010001 Ahmed, Yusuf: RC013 (blocking) age 12 on 2025-10-01 is outside 13-110
pupil 6, A801200005001 Evans, Rhys: W001 (warning) UPN Missing or Invalid: UPN invalid (wrong check letter at character 1)
pupil 7, T801200011001 Smith, Jordan: RC011 (blocking) supplied ULN '1748529631' is invalid: check digit is 1, expected 2
pupil 7, T801200011001 Smith, Jordan: W004 (warning) postcode ZZ99 3VZ is a placeholder for an unknown address
pupil 8, D801200012001 -, Ellie: RC006 (blocking) insufficient data: Surname is missing
pupil 8, D801200012001 -, Ellie: RC006 (blocking) insufficient data: address is missing
pupil 8, D801200012001 -, Ellie: RC010 (blocking) Null Values: postcode is missing
8 pupils: 2 ready, 6 blocked; 8 blocking findings, 2 warnings
? 1
$ lrs ctf validate --csv ctf25_sample.xml --date 2025-10-01
pupil,line,upn,surname,forename,code,severity,field,message
3,147,U801200002001,Fairbairn,Zoë,RC010,blocking,PostCode,Null Values: postcode is missing
4,161,E801200003001,Hollis,Thomas,W002,warning,Street,Student address exported but street is missing
5,179,,Diallo,Amara,W001,warning,UPN,UPN Missing or Invalid: UPN is missing
6,195,Q801200004001,O'Brien,Niamh,W003,warning,UniqueLearnerNumber,pupil already has a ULN (1000000043)
2> 6 pupils: 5 ready, 1 blocked; 1 blocking finding, 3 warnings
? 1
$ lrs ctf validate ctf24_gender.xml --date 2023-10-01 --csv
pupil,line,upn,surname,forename,code,severity,field,message
2,38,Y801200007001,Cavendish-Bentinck,Maximilian Alexander Christopher Jon,RC011,blocking,Forename,"Forename is 36 characters, longer than 35"
3,51,J801200008001,Nguyen,Linh,RC011,blocking,DOB,DOB '2011-02-30' is not a valid date: day 30 does not exist in February 2011
4,64,V801200009001,Kowalski,Jan,RC011,blocking,Gender,Gender 'X' is not M or F
5,77,G801200010001,Ahmed,Yusuf,RC013,blocking,DOB,age 10 on 2023-10-01 is outside 13-110
6,90,A801200005001,Evans,Rhys,W001,warning,UPN,UPN Missing or Invalid: UPN invalid (wrong check letter at character 1)
7,103,T801200011001,Smith,Jordan,RC011,blocking,UniqueLearnerNumber,"supplied ULN '1748529631' is invalid: check digit is 1, expected 2"
7,103,T801200011001,Smith,Jordan,W004,warning,PostCode,postcode ZZ99 3VZ is a placeholder for an unknown address
8,117,D801200012001,,Ellie,RC006,blocking,Surname,insufficient data: Surname is missing
8,117,D801200012001,,Ellie,RC006,blocking,Address,insufficient data: address is missing
8,117,D801200012001,,Ellie,RC010,blocking,PostCode,Null Values: postcode is missing
2> 8 pupils: 2 ready, 6 blocked; 8 blocking findings, 2 warnings
? 1
$ lrs ctf validate hostile/billion_laughs.xml --date 2025-10-01
2> lrs: ctf 'hostile/billion_laughs.xml': line 2, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no entities)
? 1
$ lrs ctf validate hostile/xxe.xml --date 2025-10-01
2> lrs: ctf 'hostile/xxe.xml': line 2, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no entities)
? 1
$ lrs ctf validate hostile/xxe_parameter.xml --date 2025-10-01
2> lrs: ctf 'hostile/xxe_parameter.xml': line 3, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no entities)
? 1
$ lrs ctf validate hostile/doctype_external.xml --date 2025-10-01
2> lrs: ctf 'hostile/doctype_external.xml': line 2, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no entities)
? 1
$ lrs ctf validate hostile/deep.xml --date 2025-10-01
2> lrs: ctf 'hostile/deep.xml': line 6: elements nested deeper than 64
? 1
$ lrs ctf validate hostile/invalid_utf8.xml --date 2025-10-01
2> lrs: ctf 'hostile/invalid_utf8.xml': line 8, column 18: invalid UTF-8
? 1
$ lrs ctf validate hostile/utf16.xml --date 2025-10-01
2> lrs: ctf 'hostile/utf16.xml': line 1, column 1: unsupported encoding (UTF-16 or UTF-32); a CTF must be UTF-8
? 1
$ lrs ctf validate hostile/truncated.xml --date 2025-10-01
2> lrs: ctf 'hostile/truncated.xml': line 13, column 19: the file ends inside the document (truncated)
? 1
$ lrs ctf validate hostile/mismatched.xml --date 2025-10-01
2> lrs: ctf 'hostile/mismatched.xml': line 8, column 33: opening and ending tag mismatch: Surname line 8 and Forename
? 1
$ lrs ctf validate hostile/not_ctf.xml --date 2025-10-01
2> lrs: ctf 'hostile/not_ctf.xml': line 2: root element is 'Invoice', not 'CTfile'
? 1
$ lrs ctf validate hostile/duplicate.xml --date 2025-10-01
2> lrs: ctf 'hostile/duplicate.xml': line 10: element 'Surname' appears twice
? 1
$ lrs ctf validate hostile/no_header.xml --date 2025-10-01
2> lrs: ctf 'hostile/no_header.xml': line 3: CTFpupilData comes before the Header
? 1
$ lrs ctf show hostile/xxe.xml
2> lrs: ctf 'hostile/xxe.xml': line 2, column 1: a DOCTYPE is not allowed in a CTF (no DTDs, no entities)
? 1
$ lrs ctf show no-such-file.xml
2> lrs: ctf 'no-such-file.xml': cannot open: No such file or directory
? 1
$ lrs ctf validate ctf25_sample.xml --date 2025-02-30
2> lrs: --date '2025-02-30': day 30 does not exist in February 2025
? 2
$ lrs ctf validate ctf25_sample.xml --date
2> usage: lrs ctf show <file>
2>    or: lrs ctf validate <file> [--date <yyyy-mm-dd>] [--csv]
? 2
$ lrs ctf validate
2> usage: lrs ctf show <file>
2>    or: lrs ctf validate <file> [--date <yyyy-mm-dd>] [--csv]
? 2
$ lrs ctf show
2> usage: lrs ctf show <file>
2>    or: lrs ctf validate <file> [--date <yyyy-mm-dd>] [--csv]
? 2
$ lrs ctf frobnicate x.xml
2> usage: lrs ctf show <file>
2>    or: lrs ctf validate <file> [--date <yyyy-mm-dd>] [--csv]
? 2
$ lrs ctf validate a.xml b.xml
2> usage: lrs ctf show <file>
2>    or: lrs ctf validate <file> [--date <yyyy-mm-dd>] [--csv]
? 2
$ lrs ctf --help
usage: lrs ctf show <file>
   or: lrs ctf validate <file> [--date <yyyy-mm-dd>] [--csv]

Read a Common Transfer File (CTF 24, 25 or any recent version).

show      print the header and one line per pupil: UPN, ULN, names,
          date of birth, sex and postcode ('-' when absent)
validate  check each pupil as a ULN request and list the findings:
          UPN and name, code, severity and reason; then a summary

  --date <yyyy-mm-dd>  take ages on this day (default: today)
  --csv                findings as CSV on stdout, summary on stderr

Codes: RC006 insufficient data, RC010 null values (no postcode),
RC011 incorrect format, RC013 age outside 13-110 (blocking);
W001 UPN missing or invalid, W002 no street, W003 already has a ULN,
W004 placeholder postcode (warnings). See docs/ctf.md.

Exit status: 0 when no finding blocks, 1 when one does or the file is
malformed, 2 on bad usage.
$ python3 -c "import sys; sys.stdout.write('<CTfile><Header/><CTFpupilData><Pupil><Surname>' + 'A' * (20 << 20) + '</Surname></Pupil></CTFpupilData></CTfile>')" > huge.xml
$ lrs ctf validate huge.xml --date 2025-10-01
2> lrs: ctf 'huge.xml': line 1, column 1048616: more than 1048576 bytes without markup (a text node, comment or tag too large)
? 1
