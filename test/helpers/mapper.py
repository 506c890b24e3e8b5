#!/usr/bin/env python3
# A real child process for the kernel tests: maps a file MAP_SHARED and touches chosen pages, then waits.
# usage: mapper.py PATH read|write PAGES [random]
#   PAGES: comma-separated page numbers, or "every:STEP:COUNT" (pages 0, STEP, 2*STEP, ...)
#   random: madvise(MADV_RANDOM) before touching, so a read fault brings in one page, not a readahead window
# Prints "ready N" after touching N pages; exits when stdin closes (or on SIGTERM/SIGKILL).
import mmap, os, sys

path, mode, spec = sys.argv[1], sys.argv[2], sys.argv[3]
advice_random = len(sys.argv) > 4 and sys.argv[4] == "random"
if spec.startswith("every:"):
    _, step, count = spec.split(":")
    pages = [i * int(step) for i in range(int(count))]
elif spec == "":
    pages = []
else:
    pages = [int(p) for p in spec.split(",")]
page = mmap.PAGESIZE
write = mode == "write"
with open(path, "r+b" if write else "rb") as f:
    prot = mmap.PROT_READ | (mmap.PROT_WRITE if write else 0)
    mm = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED, prot=prot)
    if advice_random:
        mm.madvise(mmap.MADV_RANDOM)
    total = 0
    for p in pages:
        if write:
            mm[p * page] = 0x5A
        else:
            total += mm[p * page]
    print("ready", len(pages), flush=True)
    sys.stdin.read()
