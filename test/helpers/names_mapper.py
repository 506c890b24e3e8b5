#!/usr/bin/env python3
# A real child for the hostile-name tests: maps files whose names are arbitrary bytes, touches a chosen
# number of pages of each, and can rename itself (prctl PR_SET_NAME) to arbitrary bytes.
# usage: names_mapper.py [--comm HEX] HEXPATH:PAGES...
#   HEXPATH: the file's path as hex bytes (Node cannot pass bytes that are not UTF-8 in argv)
#   PAGES:   pages touched from the start of the file (MADV_RANDOM first, so no readahead)
#   --comm:  the new comm (the kernel keeps 15 bytes: TASK_COMM_LEN, include/linux/sched.h)
# Prints "ready" once every page is touched; exits when stdin closes (or on SIGKILL).
import ctypes, mmap, os, sys

args = sys.argv[1:]
comm = None
if args[:1] == ["--comm"]:
    comm = bytes.fromhex(args[1])
    args = args[2:]
maps = []
for spec in args:
    hexpath, pages = spec.rsplit(":", 1)
    fd = os.open(bytes.fromhex(hexpath), os.O_RDONLY)
    mm = mmap.mmap(fd, 0, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ)
    os.close(fd)
    mm.madvise(mmap.MADV_RANDOM)
    total = 0
    for p in range(int(pages)):
        total += mm[p * mmap.PAGESIZE]
    maps.append(mm)
if comm is not None:
    PR_SET_NAME = 15  # include/uapi/linux/prctl.h
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NAME, ctypes.c_char_p(comm), 0, 0, 0) != 0:
        sys.exit("prctl: errno %d" % ctypes.get_errno())
print("ready", flush=True)
sys.stdin.read()
