#!/usr/bin/env python3
"""Print the one-line summary of `make test`: "N passed, N failed".

Counts test cases, not executables: a test that speaks TAP (cmocka, the
golden CLI files, the corpus replays) counts each "ok" and "not ok" line;
a test that does not counts once. A test that failed without reporting a
failing case (a crash, a timeout) counts one failure more. Fuzz runs count
one case each. A broken build counts as a failure, and so does a `meson
test` that exited non-zero when its log shows no failure (a log that is
missing, cut short or overwritten must never read as a pass).

usage: test-summary.py TESTLOG_JSON FUZZ_RESULTS BUILD_FAILED [MESON_RC]
"""
import json
import os
import re
import sys

OK = re.compile(r"^ok\b(.*)$")
NOT_OK = re.compile(r"^not ok\b")


def main():
    log, fuzz, build_failed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    meson_rc = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    passed = failed = skipped = 0
    failures = []
    if os.path.exists(log):
        with open(log, encoding="utf-8") as f:
            for line in f:
                t = json.loads(line)
                result = t.get("result", "")
                out = t.get("stdout") or ""
                oks = nots = skips = 0
                for ln in out.splitlines():
                    m = OK.match(ln)
                    if m:
                        if "# SKIP" in m.group(1).upper():
                            skips += 1
                        else:
                            oks += 1
                    elif NOT_OK.match(ln):
                        nots += 1
                if result == "SKIP":
                    skipped += 1
                    continue
                passed += oks
                failed += nots
                skipped += skips
                bad = result not in ("OK", "EXPECTEDFAIL")
                if oks + nots + skips == 0:
                    if bad:
                        failed += 1
                    else:
                        passed += 1
                elif bad and nots == 0:
                    failed += 1
                if bad:
                    failures.append(t.get("name", "?"))
    elif not build_failed:
        failures.append("no test log")
        failed += 1
    if os.path.exists(fuzz):
        with open(fuzz, encoding="utf-8") as f:
            for line in f:
                if line.startswith("ok "):
                    passed += 1
                elif line.startswith("not ok "):
                    failed += 1
                    failures.append("fuzz " + line.split()[-1])
    if build_failed:
        failed += 1
        failures.append("build")
    elif meson_rc != 0 and not failures:
        failed += 1
        failures.append(f"meson test (exit status {meson_rc}, its log "
                        "shows no failure)")
    if failures:
        print("failed: " + ", ".join(failures))
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
