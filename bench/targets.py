#!/usr/bin/env python3
# The processes `npm run bench` watches. Each one exits when its stdin closes, so a bench that dies for any
# reason (even SIGKILL) leaves none behind.
#
#   targets.py hold [--random] SPEC...   map each SPEC (PATH, or PATH@OFFSET+LENGTH in bytes) MAP_SHARED and
#                                        touch every page: the pages are cached AND mapped, so a proactive
#                                        reclaimer that takes idle unmapped cache (DAMON here) leaves them
#                                        alone. --random: madvise(MADV_RANDOM) first, so each fault on a hole
#                                        or an uncached page brings in one single-page folio (no readahead;
#                                        mm/filemap.c, do_sync_mmap_readahead returns early on VM_RAND_READ).
#                                        Prints one JSON line {"ready": PAGES, "sampled": N, "small": M}:
#                                        of N pages sampled evenly, M sit in single-page folios
#                                        (/proc/kpageflags has neither COMPOUND_HEAD nor COMPOUND_TAIL).
#   targets.py reader PATH RATE          the article's random reader (test/helpers/mmap_random_read.py: 4 bytes
#                                        at a random offset of a read-only mapping of the whole file), paced at
#                                        RATE reads a second instead of a fixed 0.05 s sleep; prints
#                                        {"ready": true} then {"reads": N} (cumulative) once a second.
#   targets.py many PATH COUNT           one page of PATH mapped COUNT times at even page offsets (no two VMAs
#                                        merge), each page touched (MADV_RANDOM: no readahead, so the cached
#                                        pages are exactly the mapped ones); prints {"ready": COUNT}.
#   targets.py faulter RATE              a minor fault an iteration (write an anonymous page, MADV_DONTNEED it),
#                                        RATE a second, 0 unpaced; prints {"ready": true}.
#   targets.py procs NPROC LIST          the overview's machine: NPROC processes (forked, so they cost one
#                                        start) that between them map every file named in LIST (one path a
#                                        line), each file by one process, its pages touched (MADV_RANDOM);
#                                        prints {"ready": FILES, "pids": [...]}. The children die with it.
import ctypes, json, mmap, os, random, signal, struct, sys, threading, time

PAGE = mmap.PAGESIZE
KPF_COMPOUND_HEAD, KPF_COMPOUND_TAIL = 15, 16  # include/uapi/linux/kernel-page-flags.h


def exit_when_stdin_closes():
    def watch():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
MAP_FAILED = ctypes.c_void_p(-1).value


def small_folio_share(regions, samples=2048):
    """Of `samples` pages spread over the regions (address, pages), how many sit in single-page folios."""
    total_pages = sum(pages for _, pages in regions)
    if total_pages == 0:
        return 0, 0
    step = max(1, total_pages // samples)
    sampled = small = 0
    try:
        with open("/proc/self/pagemap", "rb") as pagemap, open("/proc/kpageflags", "rb") as kpageflags:
            for address, pages in regions:
                for p in range(0, pages, step):
                    pagemap.seek((address // PAGE + p) * 8)
                    entry = struct.unpack("<Q", pagemap.read(8))[0]
                    if not entry >> 63 & 1:
                        continue
                    pfn = entry & ((1 << 55) - 1)
                    if pfn == 0:
                        return 0, 0  # PFNs hidden (not root): cannot tell
                    kpageflags.seek(pfn * 8)
                    flags = struct.unpack("<Q", kpageflags.read(8))[0]
                    sampled += 1
                    if not (flags >> KPF_COMPOUND_HEAD & 1 or flags >> KPF_COMPOUND_TAIL & 1):
                        small += 1
    except OSError:
        return 0, 0
    return sampled, small


def hold(args):
    advice_random = "--random" in args
    specs = [a for a in args if a != "--random"]
    files, regions = [], []
    for spec in specs:
        path, offset, length = spec, 0, 0
        if "@" in spec:
            path, rest = spec.rsplit("@", 1)
            offset, length = (int(x) for x in rest.split("+"))
        f = open(path, "rb")
        files.append(f)
        if length == 0:
            length = os.fstat(f.fileno()).st_size - offset
        address = libc.mmap(None, length, mmap.PROT_READ, mmap.MAP_SHARED, f.fileno(), offset)
        if address in (None, MAP_FAILED):
            sys.exit(f"targets.py: mmap {spec}: {os.strerror(ctypes.get_errno())}")
        if advice_random and libc.madvise(address, length, mmap.MADV_RANDOM) != 0:
            sys.exit(f"targets.py: madvise {spec}: {os.strerror(ctypes.get_errno())}")
        pages = (length + PAGE - 1) // PAGE
        view = (ctypes.c_ubyte * (pages * PAGE)).from_address(address)
        total = 0
        for p in range(0, pages * PAGE, PAGE):
            total += view[p]  # the touch: a read fault maps the page (and brings it in)
        regions.append((address, pages))
    sampled, small = small_folio_share(regions)
    say({"ready": sum(p for _, p in regions), "sampled": sampled, "small": small})
    while True:
        time.sleep(3600)


def reader(path, rate):
    with open(path, "r") as f:
        size = os.stat(f.fileno()).st_size
        with mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) as mm:
            say({"ready": True})
            interval = 1.0 / rate
            reads = 0
            start = time.monotonic()
            next_at = start
            next_report = start + 1.0
            while True:
                pos = random.randint(0, size - 4)
                mm[pos:pos + 4]
                reads += 1
                next_at += interval
                now = time.monotonic()
                if now >= next_report:
                    say({"reads": reads, "atSeconds": now - start})
                    next_report += 1.0
                if next_at > now:
                    time.sleep(next_at - now)
                elif now - next_at > 1.0:
                    next_at = now  # fell behind by a second (a stall): do not burst to catch up


def faulter(rate):
    # One minor fault an iteration: write an anonymous page, then madvise(MADV_DONTNEED) it away. rate 0:
    # unpaced. Reports its own count a second; the bench reads the kernel's (minflt) instead.
    m = mmap.mmap(-1, PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    say({"ready": True})
    batch = 100
    start = time.monotonic()
    done = 0
    while True:
        for _ in range(batch):
            m[0] = 1
            m.madvise(mmap.MADV_DONTNEED)
        done += batch
        if rate > 0:
            ahead = done / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)


def many(path, count):
    # libc's mmap, not Python's mmap module: that one dup()s the fd for each mapping, and 50,000 of them
    # hit RLIMIT_NOFILE (EMFILE) long before vm.max_map_count.
    with open(path, "rb") as f:
        total = 0
        for i in range(count):
            address = libc.mmap(None, PAGE, mmap.PROT_READ, mmap.MAP_SHARED, f.fileno(), 2 * i * PAGE)
            if address in (None, MAP_FAILED):
                sys.exit(f"targets.py: mmap {i}: {os.strerror(ctypes.get_errno())}")
            # MADV_RANDOM: the fault brings in this page only, so every cached page is a mapped one and
            # none sits idle and unmapped for DAMON to take.
            libc.madvise(address, PAGE, mmap.MADV_RANDOM)
            total += ctypes.c_ubyte.from_address(address).value  # the touch: one read fault
    say({"ready": count})
    while True:
        time.sleep(3600)


def procs(count, listing):
    with open(listing) as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    PR_SET_PDEATHSIG = 1
    pids, readers = [], []
    for i in range(count):
        mine = paths[i::count]
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            # Not the earlier children's pipes: child i would hold i of them, 45,000 fds in all for an
            # overview scan to stat that no real machine of 300 processes has.
            for earlier in readers:
                os.close(earlier)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # prctl(2): the child ends with the bench's target
            total = 0
            for path in mine:
                fd = os.open(path, os.O_RDONLY)
                length = os.fstat(fd).st_size
                address = libc.mmap(None, length, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
                os.close(fd)  # the mapping keeps the file
                if address in (None, MAP_FAILED):
                    os._exit(1)
                libc.madvise(address, length, mmap.MADV_RANDOM)
                view = (ctypes.c_ubyte * length).from_address(address)
                for p in range(0, length, PAGE):
                    total += view[p]
            os.write(w, b"1")
            os.close(w)
            while True:
                signal.pause()
        os.close(w)
        pids.append(pid)
        readers.append(r)
    for r in readers:
        if os.read(r, 1) != b"1":
            sys.exit("targets.py: a child could not map its files")
        os.close(r)
    say({"ready": len(paths), "pids": pids})
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    exit_when_stdin_closes()
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "hold":
        hold(rest)
    elif mode == "reader":
        reader(rest[0], float(rest[1]))
    elif mode == "faulter":
        faulter(float(rest[0]))
    elif mode == "many":
        many(rest[0], int(rest[1]))
    elif mode == "procs":
        procs(int(rest[0]), rest[1])
    else:
        sys.exit(f"targets.py: unknown mode {mode}")
