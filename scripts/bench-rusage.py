#!/usr/bin/env python3
"""bench-rusage.py CMD ARGS...: run CMD, pass its output through, then
print "RUSAGE cpu_s=SECONDS" (its user + system CPU time) for
scripts/bench-http.sh, and exit with its status."""
import resource
import subprocess
import sys

rc = subprocess.call(sys.argv[1:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.flush()
print("RUSAGE cpu_s=%.3f" % (ru.ru_utime + ru.ru_stime))
sys.exit(rc)
