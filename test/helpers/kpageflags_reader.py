#!/usr/bin/env python3
# The tests' own page-types: the file's pages mapped by PID, through /proc/PID/pagemap (PFN: bits 0-54,
# present: bit 63) and /proc/kpageflags (include/uapi/linux/kernel-page-flags.h). Prints JSON counts.
# usage: kpageflags_reader.py PID PATH
import json, os, struct, sys

pid, path = sys.argv[1], sys.argv[2]
page = os.sysconf("SC_PAGE_SIZE")
LRU, ACTIVE, REFERENCED, UNEVICTABLE, MLOCKED = 5, 6, 2, 18, 33
counts = {"mapped": 0, "active": 0, "inactive": 0, "referenced": 0, "unevictable": 0, "mlocked": 0}
seen = set()
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pm, open("/proc/kpageflags", "rb") as kpf:
    for line in maps:
        parts = line.split(None, 5)
        if len(parts) < 6 or parts[5].rstrip("\n") != path:
            continue
        start, end = (int(x, 16) for x in parts[0].split("-"))
        first_file_page = int(parts[2], 16) // page
        pm.seek(start // page * 8)
        data = pm.read((end - start) // page * 8)
        for i in range(len(data) // 8):
            (entry,) = struct.unpack_from("<Q", data, i * 8)
            if not entry >> 63 & 1 or first_file_page + i in seen:
                continue
            seen.add(first_file_page + i)
            pfn = entry & ((1 << 55) - 1)
            kpf.seek(pfn * 8)
            (flags,) = struct.unpack("<Q", kpf.read(8))
            counts["mapped"] += 1
            if flags >> LRU & 1:
                counts["active" if flags >> ACTIVE & 1 else "inactive"] += 1
            for name, b in (("referenced", REFERENCED), ("unevictable", UNEVICTABLE), ("mlocked", MLOCKED)):
                if flags >> b & 1:
                    counts[name] += 1
print(json.dumps(counts))
