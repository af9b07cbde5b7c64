#!/usr/bin/env python3
"""Run a golden-file CLI test (curl's tests/data, as a transcript).

A case file holds commands and what they must print, like a shell session:

    # comment lines start with '#', anywhere in the file
    $ lrs uln check 1000000043
    valid
    ? 0

'$ ' runs a command through /bin/sh in a fresh temporary directory (shared
by the commands of one file, so a file can build up state); 'lrs' and
'lrsd' at the start of a command are the binaries under test, and
$LRS_DB points into the temporary directory. The lines after it are the
exact expected standard output; '2> text' lines are expected standard
error (checked only when given); '? N' is the expected exit status
(default 0). An expected output line that itself starts with '#' or
'$ ' is written with a leading backslash. Output is TAP: one case per
command.

usage: golden.py BUILD_DIR CASE_FILE
"""
import os
import shutil
import subprocess
import sys
import tempfile


def parse(path):
    steps = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("#"):
                continue
            if line.startswith("\\"):
                if steps:
                    steps[-1]["out"].append(line[1:])
                continue
            if line.startswith("$ "):
                steps.append({"cmd": line[2:], "out": [], "err": None,
                              "rc": 0, "line": len(steps)})
            elif not steps:
                continue
            elif line.startswith("? "):
                steps[-1]["rc"] = int(line[2:])
            elif line.startswith("2> "):
                if steps[-1]["err"] is None:
                    steps[-1]["err"] = []
                steps[-1]["err"].append(line[3:])
            elif line == "2>":
                steps[-1]["err"] = steps[-1]["err"] or []
                steps[-1]["err"].append("")
            else:
                steps[-1]["out"].append(line)
    return steps


def main():
    build, case = sys.argv[1], sys.argv[2]
    steps = parse(case)
    tmp = tempfile.mkdtemp(prefix="lrs-golden-")
    env = dict(os.environ)
    env["LRS_DB"] = os.path.join(tmp, "lrs.db")
    env["PATH"] = os.path.abspath(build) + os.pathsep + env["PATH"]
    env["LRS_TEST_DATA"] = os.path.dirname(os.path.abspath(case))
    failed = 0
    print(f"1..{len(steps)}")
    try:
        for i, s in enumerate(steps, 1):
            p = subprocess.run(["/bin/sh", "-c", s["cmd"]], cwd=tmp, env=env,
                               capture_output=True, text=True, timeout=600)
            out = p.stdout.splitlines()
            err = p.stderr.splitlines()
            problems = []
            if out != s["out"]:
                problems.append("stdout differs:\n  expected: %r\n  actual:   %r"
                                % (s["out"], out))
            if s["err"] is not None and err != s["err"]:
                problems.append("stderr differs:\n  expected: %r\n  actual:   %r"
                                % (s["err"], err))
            if p.returncode != s["rc"]:
                problems.append("exit status %d, expected %d\n  stderr: %r"
                                % (p.returncode, s["rc"], err))
            if problems:
                failed += 1
                print(f"not ok {i} - {s['cmd']}")
                for pr in problems:
                    for ln in pr.splitlines():
                        print("# " + ln)
            else:
                print(f"ok {i} - {s['cmd']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
