# The PLR commands (docs/plr.md): verify one learner and a CSV of them
# (WSVRC001-006 with the VRF flags), upload results (good, not matching,
# merged ULN, a corrected grade, a re-upload that duplicates nothing, a
# key repeated within one file: DUPLICATE),
# show a PLR (names must match: WSEC0208; consent: WSEC0206) and print it
# as HTML, exam entries with the submissions routine and what the AO was
# sent (each submission as sent), shares, and sign-up codes. Share
# tokens are random, so they go through a file; sign-up codes (lrs user
# invite) are masked with sed. golden.py reads comments only before the
# first command, so all are here.
$ lrs init > /dev/null
$ printf 'uln,given_name,middle_names,family_name,previous_family_name,date_of_birth,gender,postcode,ability_to_share\n1000000043,Ann-Marie,,Smith-Jones,Brown,2008-03-02,2,SW1A 1AA,1\n1748529632,Robert,,O'"'"'Neill,,2008-05-06,1,M1 1AE,2\n1026893096,Ann,,Smith,,2008-03-02,2,SW1A 1AA,1\n' > reg.csv
$ lrs import learners reg.csv
imported 3 learners (0 ULNs issued)
$ lrs verify --uln 1000000043 --given "ann marie" --family "Smith Jones"
WSVRC001 successful match
given name: exact (exact)
family name: exact (exact)
date of birth: not given
gender: not given
$ lrs verify --uln 1748529632 --given Bob --family ONeill --dob 2008-05-06 --gender M
WSVRC003 similar match
given name: similar (nickname)
family name: exact (exact)
date of birth: exact
gender: exact
$ lrs verify --uln 1000000043 --given Ann-Marie --family Brown
WSVRC003 similar match
given name: exact (exact)
family name: similar (previous family name)
date of birth: not given
gender: not given
$ lrs verify --uln 1748529632 --given Zed --family Jones --dob 2001-01-01
WSVRC005 learner does not match
given name: different (different)
family name: different (different)
date of birth: different
gender: not given
flags: VRF1 VRF2 VRF4 VRF5 VRF7
? 1
$ lrs verify --uln 6936002314 --given A --family B
WSVRC006 ULN not found
? 1
$ lrs verify --uln 1748529631 --given A --family B
2> lrs: uln: check digit is 1, expected 2
? 1
$ lrs verify --uln 1000000043 --given Ann
2> usage: lrs verify --uln ULN --given NAME --family NAME [--dob DATE] [--gender G] [--db PATH]
2>    or: lrs verify --csv FILE [--db PATH]
2> 
2> Verify a learner's ULN and names (verifyLearner: WSVRC001-006, VRF1-8).
? 2
$ printf 'uln,given_name,family_name,date_of_birth\n1000000043,Ann,Smith-Jones,\n1748529632,Robert,Smith,\n6936002314,A,B,\n1748529631,A,B,\n' > v.csv
$ lrs verify --csv v.csv
line,uln,code,flags,master_uln,outcome
2,1000000043,WSVRC003,,,similar match
3,1748529632,WSVRC005,VRF4 VRF5,,learner does not match
4,6936002314,WSVRC006,,,ULN not found
5,,WSEC0136,,,"uln: check digit is 1, expected 2"
2> verified 4 rows: 0 matched, 1 similar, 1 did not match, 1 not found, 1 invalid
$ printf 'uln,given_name,family_name,subject_code,subject,qualification_type,level,grade,award_date,status\n1000000043,Ann-Marie,Smith-Jones,600/1166/X,Mathematics,GCSE,2,7,2024-08-22,F\n1748529632,Robert,Jones,600/1166/X,Mathematics,GCSE,2,5,2024-08-22,F\n1000000043,Ann-Marie,Smith-Jones,601/4433/2,Physics,A Level,3,B,2024-08-15,P\n6936002314,Ann,Smith,600/1166/X,Mathematics,GCSE,2,4,2024-08-22,F\n1000000043,Ann-Marie,Smith-Jones,600/9999/9,Art,GCSE,2,4,2024-02-30,F\n' > r.csv
$ lrs results upload r.csv --ao 10000001 --ao-name "Exam Board"
line,outcome,code,flags,uln,reason
2,stored,WSVRC001,,1000000043,
3,rejected,WSVRC005,VRF4 VRF5,1748529632,family_name: the names do not match ULN 1748529632
4,stored,WSVRC001,,1000000043,
5,rejected,WSVRC006,,6936002314,uln: no learner has ULN 6936002314
6,rejected,WSEC0001,,,award_date: day 30 does not exist in February 2024
2> 5 rows: 2 stored, 0 corrected, 0 updated, 0 unchanged, 3 rejected
? 1
$ printf 'uln,given_name,family_name,subject_code,subject,qualification_type,level,grade,award_date,status\n1000000043,Ann-Marie,Smith-Jones,600/1166/X,Mathematics,GCSE,2,7,2024-08-22,F\n1000000043,Ann-Marie,Smith-Jones,601/4433/2,Physics,A Level,3,A,2024-08-15,F\n' > r2.csv
$ lrs results upload r2.csv --ao 10000001 --ao-name "Exam Board"
line,outcome,code,flags,uln,reason
2,unchanged,WSVRC001,,1000000043,
3,corrected,WSVRC001,,1000000043,
2> 2 rows: 0 stored, 1 corrected, 0 updated, 1 unchanged, 0 rejected
$ printf 'uln,given_name,family_name,subject_code,subject,qualification_type,level,grade,award_date,status\n1000000043,Ann-Marie,Smith-Jones,601/4433/2,Physics,A Level,3,A,2024-08-15,F\n1000000043,Ann-Marie,Smith-Jones,601/4433/2,Physics,A Level,3,B,15/08/2024,F\n' > r3.csv
$ lrs results upload r3.csv --ao 10000001 --ao-name "Exam Board"
line,outcome,code,flags,uln,reason
2,unchanged,WSVRC001,,1000000043,
3,rejected,DUPLICATE,,1000000043,"subject_code: repeats line 2: the same ULN, subject_code and award_date twice in one file"
2> 2 rows: 0 stored, 0 corrected, 0 updated, 1 unchanged, 1 rejected
? 1
$ lrs results upload r.csv --ao 1234
2> lrs: ao: must be a UKPRN: 8 digits starting 1
? 1
$ lrs plr show 1000000043 --given Ann-Marie --family Smith-Jones
id,award_date,qualification_type,subject_code,subject,level,grade,status,ao_ukprn,ao_name
2,2024-08-15,A Level,601/4433/2,Physics,3,A,F,10000001,Exam Board
1,2024-08-22,GCSE,600/1166/X,Mathematics,2,7,F,10000001,Exam Board
$ lrs plr show 1000000043 --given Jane --family Doe
2> lrs: WSEC0208: learner could not be verified (WSVRC005)
? 1
$ lrs plr show 1748529632 --given Robert --family "O'Neill"
2> lrs: WSEC0206: learner opted not to share
? 1
$ lrs plr show 1000000043 --given Ann-Marie --family Smith-Jones --html plr.html && grep -c '<tr>' plr.html && grep -o 'Ann-Marie Smith-Jones, ULN 1000000043' plr.html
3
Ann-Marie Smith-Jones, ULN 1000000043
$ printf 'candidate_number,qualification_code,series,given_name,family_name,uln,date_of_birth\n0001,8300,2025-06,Ann-Marie,Smith-Jones,1000000043,2008-03-02\n0002,8300,2025-06,Robert,Jones,1748529632,\n0003,8300,2025-06,Cat,Brown,,\n' > e.csv
$ lrs entries submit e.csv --school 8012000 --ao 10000001
line,outcome,code,flags,note
2,new,WSVRC001,,
3,new,WSVRC005,VRF4 VRF5,the awarding organisation would reject this entry
4,new,,,
2> 3 entries: 3 new, 0 amended, 0 unchanged, 0 rejected; 1 would not verify
$ lrs entries send --ao 10000001 | wc -l
4
$ lrs entries pending --ao 10000001
candidate_number,qualification_code,series,uln,given_name,family_name,code,flags
$ printf 'candidate_number,qualification_code,series,given_name,family_name,uln,date_of_birth\n0001,8300,2025-06,Ann-Marie,Smith-Jones,1000000043,2008-03-02\n0002,8300,2025-06,Robert,O'"'"'Neill,1748529632,\n0003,8300,2025-06,Ann,Smith,1026893096,\n' > e.csv
$ lrs entries submit e.csv --school 8012000 --ao 10000001
line,outcome,code,flags,note
2,unchanged,WSVRC001,,
3,amended,WSVRC001,,
4,amended,WSVRC001,,
2> 3 entries: 0 new, 2 amended, 1 unchanged, 0 rejected; 0 would not verify
$ lrs entries pending --ao 10000001 --school 8012000
candidate_number,qualification_code,series,uln,given_name,family_name,code,flags
0002,8300,2025-06,1748529632,Robert,O'Neill,WSVRC001,
0003,8300,2025-06,1026893096,Ann,Smith,WSVRC001,
$ lrs entries sent --ao 10000001
candidate_number,qualification_code,series,uln,given_name,family_name,code,flags
0001,8300,2025-06,1000000043,Ann-Marie,Smith-Jones,WSVRC001,
0002,8300,2025-06,1748529632,Robert,Jones,WSVRC005,VRF4 VRF5
0003,8300,2025-06,,Cat,Brown,,
$ lrs entries send --ao 10000001 --school 8012000 > /dev/null
2> sent 2 entries to 10000001: submission 2
$ lrs entries sent --ao 10000001 --submission 2
candidate_number,qualification_code,series,uln,given_name,family_name,code,flags
0002,8300,2025-06,1748529632,Robert,O'Neill,WSVRC001,
0003,8300,2025-06,1026893096,Ann,Smith,WSVRC001,
$ lrs entries sent --ao 10000001 --submission 1 | tail -1
0003,8300,2025-06,,Cat,Brown,,
$ lrs entries sent --ao 10000001 | tail -1
0003,8300,2025-06,1026893096,Ann,Smith,WSVRC001,
$ lrs share create 1000000043 --expires 7 > share.txt && sed 's/lrst_.*/lrst_.../' share.txt
share 1 of ULN 1000000043 for 7 days
token: lrst_...
$ lrs share open $(sed -n 's/^token: //p' share.txt)
id,award_date,qualification_type,subject_code,subject,level,grade,status,ao_ukprn,ao_name
2,2024-08-15,A Level,601/4433/2,Physics,3,A,F,10000001,Exam Board
1,2024-08-22,GCSE,600/1166/X,Mathematics,2,7,F,10000001,Exam Board
$ lrs share revoke 1
share 1 revoked
$ lrs share open $(sed -n 's/^token: //p' share.txt)
2> lrs: token: no such share, or it was revoked or has expired
? 1
$ lrs share revoke 9
2> lrs: id: no share 9
? 1
$ lrs user invite --uln 1000000043 | sed -e 's/until ....-..-../until DATE/' -e 's/^[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}$/CODE/'
sign-up code for ULN 1000000043, until DATE:
CODE
$ lrs user invite --uln 6936002314
2> lrs: uln: no learner has ULN 6936002314
? 1
$ lrs user invite --uln 1000000043 --expires 91
2> lrs: --expires: must be a number of days from 1 to 90
? 1
