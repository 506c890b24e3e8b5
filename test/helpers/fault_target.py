# A target for the fault tests: prints "ready" with what it mapped (JSON), waits for a line on stdin, then
# faults in a known way and prints "done" (JSON), and waits for the next line or the end of stdin.
#   minor [FILE]   touch 64 anonymous pages (written) and every page of FILE (read; the test caches it first)
#   threads        3 threads (main + 2) each write their own 64-page anonymous mapping on "go"; on a second
#                  line a 4th thread starts, prints its tid, and writes its mapping on a third line
#   pages FILE P,Q…  map FILE (MADV_RANDOM) and, on each line, read pages P, Q, … once
#   spin           a minor fault forever: write one anonymous page, madvise(MADV_DONTNEED) it, again
# Anonymous memory is MAP_PRIVATE: Python's default for mmap(-1) is MAP_SHARED, which is shmem (maps shows
# it as "/dev/zero (deleted)", a file).
import json, mmap, sys, threading

PAGE = mmap.PAGESIZE
mode = sys.argv[1]

def addr(m):
    import ctypes
    return ctypes.addressof(ctypes.c_char.from_buffer(m))

def anon_map(pages):
    return mmap.mmap(-1, pages * PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)

def touch_write(m, pages):
    for i in range(pages):
        m[i * PAGE] = 1

def say(word, **info):
    print(word, json.dumps(info), flush=True)

if mode == 'minor':
    anon = anon_map(64)
    size = 0
    if len(sys.argv) > 2:
        f = open(sys.argv[2], 'rb')
        size = f.seek(0, 2)
        fm = mmap.mmap(f.fileno(), size, prot=mmap.PROT_READ)
        fm.madvise(mmap.MADV_RANDOM)
    say('ready', anon=addr(anon), anonPages=64, filePages=size // PAGE)
    sys.stdin.readline()
    touch_write(anon, 64)
    total = 0
    for i in range(size // PAGE):
        total += fm[i * PAGE]
    say('done')
    sys.stdin.readline()
elif mode == 'threads':
    go = threading.Event()
    finish = threading.Event()
    tids = {}
    # Every thread lives until the end, so that the test can count mmtop's events: one per live thread.
    def worker(name, event):
        m = anon_map(64)
        tids[name] = {'tid': threading.get_native_id(), 'start': addr(m)}
        event.wait()
        touch_write(m, 64)
        tids[name]['done'] = True
        finish.wait()
    threads = [threading.Thread(target=worker, args=(f't{i}', go)) for i in range(2)]
    for t in threads: t.start()
    main_map = anon_map(64)
    while len(tids) < 2: pass
    say('ready', tids=[v['tid'] for v in tids.values()] + [threading.get_native_id()])
    sys.stdin.readline()
    go.set()
    touch_write(main_map, 64)
    while not all(v.get('done') for v in tids.values()): pass
    say('done', main={'tid': threading.get_native_id(), 'start': addr(main_map)}, threads=tids)
    sys.stdin.readline()
    late = threading.Event()
    t = threading.Thread(target=worker, args=('late', late))
    t.start()
    while 'late' not in tids: pass
    say('started', tid=tids['late']['tid'], start=tids['late']['start'])
    sys.stdin.readline()
    late.set()
    while not tids['late'].get('done'): pass
    say('done')
    sys.stdin.readline()
    finish.set()
elif mode == 'pages':
    f = open(sys.argv[2], 'rb')
    size = f.seek(0, 2)
    fm = mmap.mmap(f.fileno(), size, prot=mmap.PROT_READ)
    fm.madvise(mmap.MADV_RANDOM)
    pages = [int(p) for p in sys.argv[3].split(',')]
    say('ready', pages=pages)
    while sys.stdin.readline():
        total = 0
        for p in pages:
            total += fm[p * PAGE]
        say('done')
elif mode == 'spin':
    m = anon_map(1)
    say('ready')
    while True:
        m[0] = 1
        m.madvise(mmap.MADV_DONTNEED)
