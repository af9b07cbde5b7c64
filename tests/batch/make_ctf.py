#!/usr/bin/env python3
"""Write a ULN-request CTF from the queries of `lrs synth` (tests only).

usage: make_ctf.py QUERIES.csv OUT.xml [MAP.csv]

Each query becomes a Pupil with a valid permanent UPN (LA 801, a serial
from the query number), its names, DOB, Sex (M/F, none for gender 0/9),
an AddressLines address and its PostCode (none when the query has none).
MAP.csv maps UPN to query id, for scoring the batch against truth.csv.
"""
import csv
import sys
from xml.sax.saxutils import escape

ALPHA = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(n):
    body = "801" + "%09d" % n  # characters 2-13: LA, then 9 digits
    total = sum(int(c) * (i + 2) for i, c in enumerate(body))
    return ALPHA[total % 23] + body


def main():
    src, dst = sys.argv[1], sys.argv[2]
    mapping = open(sys.argv[3], "w") if len(sys.argv) > 3 else None
    if mapping:
        mapping.write("upn,id\n")
    with open(src, newline="", encoding="utf-8") as f, \
            open(dst, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<CTfile>\n'
                  "<Header><DocumentName>Common Transfer File</DocumentName>"
                  "<CTFversion>25.0</CTFversion>"
                  "<DateTime>2026-09-01T09:00:00</DateTime>"
                  "<DocumentQualifier>partial</DocumentQualifier>"
                  "<SupplierID>test</SupplierID><SourceSchool><LEA>801</LEA>"
                  "<Estab>2000</Estab><SchoolName>Test School</SchoolName>"
                  "<AcademicYear>2026</AcademicYear></SourceSchool>"
                  "<DestSchool><LEA>XXX</LEA><Estab>XXXX</Estab></DestSchool>"
                  "</Header>\n<CTFpupilData>\n")
        for i, q in enumerate(csv.DictReader(f), 1):
            u = upn(i)
            if mapping:
                mapping.write("%s,%s\n" % (u, q["id"]))
            sex = {"1": "M", "2": "F"}.get(q["gender"], "")
            out.write("<Pupil><UPN>%s</UPN><Surname>%s</Surname>"
                      "<Forename>%s</Forename><DOB>%s</DOB>"
                      % (u, escape(q["family_name"]),
                         escape(q["given_name"]), q["date_of_birth"]))
            if sex:
                out.write("<Sex>%s</Sex>" % sex)
            if q["middle_names"]:
                out.write("<BasicDetails><MiddleNames>%s</MiddleNames>"
                          "</BasicDetails>" % escape(q["middle_names"]))
            out.write("<Address><AddressLines><AddressLine1>%d High Street"
                      "</AddressLine1></AddressLines>" % (i % 200 + 1))
            if q["postcode"]:
                out.write("<PostCode>%s</PostCode>" % q["postcode"])
            out.write("</Address></Pupil>\n")
        out.write("</CTFpupilData>\n</CTfile>\n")


if __name__ == "__main__":
    main()
