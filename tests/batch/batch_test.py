#!/usr/bin/env python3
"""End-to-end tests of `lrs batch` (TAP): crash safety, send twice, quality.

usage: batch_test.py BUILD_DIR SOURCE_DIR

1. A synthetic register (lrs synth) is imported, and its queries become a
   CTF (make_ctf.py). A copy of the store runs the batch uninterrupted: the
   reference.
2. Crash: another copy runs it with a commit every 50 pupils and is
   SIGKILLed after a random number of commits (LRS_BATCH_KILL_AFTER), or
   at a random moment within the reference run's time, again and again,
   then finished.
   The outputs must equal the reference's byte for byte (but the header's
   DateTime, the upload time), and the register must hold as many learners
   (no ULN issued twice, nobody registered twice).
3. Send twice: the same file again is the same job, same outputs; the
   file with one pupil more is a new job in which every earlier pupil is
   found (existing) and nobody is registered again.
4. Quality: the outcomes scored against truth.csv by lrs eval with the
   match issue's bounds (false links <= 0.05%, missed <= 0.5%, reviews <=
   3%), pupils rejected for their data (no postcode, no sex, age) left out
   and counted.
"""
import csv
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

build, source = sys.argv[1], sys.argv[2]
lrs = os.path.join(build, "lrs")
make_ctf = os.path.join(source, "tests", "batch", "make_ctf.py")
n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))
    if not cond:
        failed += 1
    sys.stdout.flush()


def run(*args, env=None, check=True):
    p = subprocess.run([lrs] + list(args), capture_output=True, text=True,
                       env=env)
    if check and p.returncode != 0:
        print("# %s: %d %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def strip_time(path):
    with open(path, encoding="utf-8") as f:
        return re.sub(r"<DateTime>[^<]*</DateTime>", "", f.read())


def outputs(d, db, ctf, tag, env=None):
    return run("batch", ctf, "--db", db, "--out", os.path.join(d, tag + ".xml"),
               "--report", os.path.join(d, tag + ".csv"), "--html",
               os.path.join(d, tag + ".html"), env=env, check=False)


def learners(db):
    out = run("stats", "--db", db).stdout
    return int(re.search(r"learners:\s+(\d+)", out).group(1))


def ulns_of(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    res = []
    for pupil in re.findall(r"<Pupil>.*?</Pupil>", text, re.S):
        m = re.search(r"<UniqueLearnerNumber>(\d+)<", pupil)
        u = re.search(r"<UPN>([^<]*)<", pupil)
        res.append((u.group(1) if u else "", m.group(1) if m else ""))
    return res


def main():
    d = tempfile.mkdtemp(prefix="lrs-batch-")
    try:
        body(d)
    finally:
        shutil.rmtree(d)
    print("1..%d" % n)
    return 1 if failed else 0


def body(d):
    syn = os.path.join(d, "s")
    run("synth", "--learners", "20000", "--queries", "3000", "--seed", "11",
        "--out", syn)
    base = os.path.join(d, "base.db")
    run("init", "--db", base)
    run("import", "learners", os.path.join(syn, "learners.csv"), "--db", base)
    ctf = os.path.join(d, "q.xml")
    subprocess.run([sys.executable, make_ctf, os.path.join(syn, "queries.csv"),
                    ctf, os.path.join(d, "map.csv")], check=True)
    for name in ("ref.db", "crash.db", "timer.db"):
        shutil.copy(base, os.path.join(d, name))
    ref = os.path.join(d, "ref.db")
    started = time.monotonic()
    p = outputs(d, ref, ctf, "ref")
    ref_secs = time.monotonic() - started
    ok(p.returncode == 0, "reference run")
    ref_learners = learners(ref)

    # Crash at commit points, then at random times.
    rnd = random.Random(int(os.environ.get("LRS_TEST_SEED", "0")) or None)
    crash = os.path.join(d, "crash.db")
    env = dict(os.environ, LRS_BATCH_CHUNK="50")
    kills = 0
    for _ in range(200):
        env["LRS_BATCH_KILL_AFTER"] = str(rnd.randint(1, 8))
        p = outputs(d, crash, ctf, "crash", env=env)
        if p.returncode == 0:
            break
        kills += p.returncode == -9
    ok(kills >= 3, "killed %d times at commit points, then finished" % kills)
    ok(strip_time(os.path.join(d, "crash.xml")) ==
       strip_time(os.path.join(d, "ref.xml")),
       "returned CTF after crashes is the reference's")
    for ext in ("csv", "html"):
        with open(os.path.join(d, "crash." + ext), encoding="utf-8") as a, \
                open(os.path.join(d, "ref." + ext), encoding="utf-8") as b:
            ok(a.read() == b.read(), "%s report after crashes is the "
               "reference's" % ext)
    ok(learners(crash) == ref_learners,
       "no learner registered twice (%d learners)" % ref_learners)

    timer = os.path.join(d, "timer.db")
    env = dict(os.environ, LRS_BATCH_CHUNK="20")
    kills = 0
    # Kill within the time a whole run takes (the reference's), so that a
    # fast build is killed too; a run that finished before its first kill
    # starts again from a fresh copy, with shorter sleeps.
    longest = max(0.02, ref_secs)
    for _ in range(40):
        proc = subprocess.Popen(
            [lrs, "batch", ctf, "--db", timer, "--out",
             os.path.join(d, "timer.xml"), "--report",
             os.path.join(d, "timer.csv")], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.05, 0.9) * longest)
        if proc.poll() is None:
            proc.kill()
            kills += 1
        if proc.wait() == 0:
            if kills:
                break
            for suffix in ("-wal", "-shm"):
                if os.path.exists(timer + suffix):
                    os.remove(timer + suffix)
            shutil.copy(base, timer)
            longest /= 2
    p = run("batch", ctf, "--db", timer, "--out", os.path.join(d, "timer.xml"),
            "--report", os.path.join(d, "timer.csv"), env=env)
    ok(kills >= 1 and p.returncode == 0, "SIGKILLed %d times at random "
       "moments, then finished" % kills)
    ok(strip_time(os.path.join(d, "timer.xml")) ==
       strip_time(os.path.join(d, "ref.xml")),
       "returned CTF after random kills is the reference's")
    ok(learners(timer) == ref_learners, "no learner registered twice after "
       "random kills")

    # Send twice.
    p = outputs(d, ref, ctf, "again")
    ok(p.returncode == 0 and "was sent before" in p.stderr,
       "the same file again is the same job")
    ok(strip_time(os.path.join(d, "again.xml")) ==
       strip_time(os.path.join(d, "ref.xml")), "and returns the same ULNs")
    ok(learners(ref) == ref_learners, "and registers nobody")
    with open(ctf, encoding="utf-8") as f:
        text = f.read()
    first = re.search(r"<Pupil>.*?</Pupil>\n", text, re.S).group(0)
    more = text.replace("</CTFpupilData>",
                        first.replace("<UPN>", "<UPN>X", 1)
                        .replace("<UPN>X", "<UPN>") + "</CTFpupilData>")
    more = more.replace("<Surname>", "<Surname>", 1)
    ctf2 = os.path.join(d, "q2.xml")
    with open(ctf2, "w", encoding="utf-8") as f:
        f.write(more.replace("<DateTime>2026-09-01T09:00:00",
                             "<DateTime>2026-09-02T09:00:00"))
    p = outputs(d, ref, ctf2, "second")
    m = re.search(r"(\d+) new, (\d+) existing", p.stdout)
    ok(p.returncode == 0 and m and m.group(1) == "0",
       "a re-export of the same pupils registers nobody (%s)" %
       (p.stdout.strip()))
    ok(learners(ref) == ref_learners, "register unchanged by the re-export")
    a, b = ulns_of(os.path.join(d, "ref.xml")), ulns_of(
        os.path.join(d, "second.xml"))
    same = sum(1 for x, y in zip(a, b) if x[1] and x[1] == y[1])
    ok(same == sum(1 for x in a if x[1]),
       "every pupil with a ULN the first time has the same ULN again")

    # Quality against the truth.
    register = set()
    with open(os.path.join(syn, "learners.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            register.add(r["uln"])
    upn_id = {}
    with open(os.path.join(d, "map.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            upn_id[r["upn"]] = r["id"]
    report = {}
    with open(os.path.join(d, "ref.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            report[r["upn"]] = r
    results = os.path.join(d, "results.csv")
    rejected = 0
    codes = {}
    kept = set()
    with open(results, "w", encoding="utf-8") as out:
        out.write("id,code,uln,candidates,score\n")
        for upn, uln in ulns_of(os.path.join(d, "ref.xml")):
            qid = upn_id[upn]
            if uln:
                code = "WSRC0004" if uln in register else "WSRC0001"
                out.write("%s,%s,%s,,\n" % (qid, code,
                                            uln if uln in register else ""))
                kept.add(qid)
                continue
            r = report[upn]
            if r["category"] == "rejected":
                rejected += 1
                codes[r["code"]] = codes.get(r["code"], 0) + 1
                continue
            cands = " ".join(c for c in r["candidates"].split()
                             if c in register)
            out.write("%s,WSRC0003,,%s,\n" % (qid, cands))
            kept.add(qid)
    truth = os.path.join(d, "truth.csv")
    with open(os.path.join(syn, "truth.csv"), encoding="utf-8") as f, \
            open(truth, "w", encoding="utf-8") as out:
        rows = list(csv.reader(f))
        out.write(",".join(rows[0]) + "\n")
        for r in rows[1:]:
            if r[0] in kept:
                out.write(",".join(r) + "\n")
    p = run("eval", "--truth", truth, "--results", results,
            "--max-false-link", "0.05%", "--max-missed", "0.5%",
            "--max-review", "3%", check=False)
    for line in p.stdout.splitlines():
        print("# " + line)
    ok(p.returncode == 0, "quality within bounds (%d rejected for their "
       "data, left out)" % rejected)
    # Queries planned no_postcode or no_gender are about 7% (docs/synth.md);
    # dob_typo pushes a few 13-year-olds under 13 (RC013).
    ok(set(codes) <= {"RC006", "RC010", "RC013"} and rejected < 400,
       "rejections are only missing postcode, sex or age: %s"
       % ", ".join("%s %d" % kv for kv in sorted(codes.items())))


if __name__ == "__main__":
    sys.exit(main())
