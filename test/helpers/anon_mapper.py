#!/usr/bin/env python3
# A real child for the anonymous-heatmap tests: maps PAGES pages of anonymous memory (private or shared),
# writes to TOUCHED of them (every other page), prints "ready START_HEX" and waits until stdin closes.
# usage: anon_mapper.py private|shared PAGES TOUCHED
import mmap, sys

kind, pages, touched = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
page = mmap.PAGESIZE
flags = (mmap.MAP_SHARED if kind == "shared" else mmap.MAP_PRIVATE) | mmap.MAP_ANONYMOUS
mm = mmap.mmap(-1, pages * page, flags=flags, prot=mmap.PROT_READ | mmap.PROT_WRITE)
# Never fault the rest in (MADV_NOHUGEPAGE: a THP fault would make 512 pages present at once).
if hasattr(mmap, "MADV_NOHUGEPAGE"):
    mm.madvise(mmap.MADV_NOHUGEPAGE)
for i in range(touched):
    mm[i * 2 * page] = 0x5A
import ctypes
address = ctypes.addressof(ctypes.c_char.from_buffer(mm))
print("ready %x" % address, flush=True)
sys.stdin.read()
