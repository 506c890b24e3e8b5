# A target that never sits still: maps and unmaps files all the time, creates and deletes some of them,
# and touches pages. For the soak and the churn tests. usage: churn.py DIR  (runs until stdin closes)
import mmap, os, random, sys, threading

d = sys.argv[1]
paths = []
for i in range(20):
    p = os.path.join(d, f"churn-{i}.db")
    with open(p, "wb") as f:
        f.write(os.urandom(64 * 1024))
    paths.append(p)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
print("ready", flush=True)
live = []
n = 0
while not stop.is_set():
    n += 1
    p = random.choice(paths)
    try:
        f = open(p, "rb")
        m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
        m[random.randrange(0, len(m))]
        live.append((f, m))
    except (FileNotFoundError, ValueError):
        pass
    if len(live) > 30 or random.random() < 0.3:
        f, m = live.pop(random.randrange(len(live))) if live else (None, None)
        if m:
            m.close()
            f.close()
    if n % 50 == 0:
        # Replace a file under its name: mappings of the old one become "(deleted)".
        p = random.choice(paths)
        tmp = p + ".new"
        with open(tmp, "wb") as f:
            f.write(os.urandom(64 * 1024))
        os.replace(tmp, p)
    stop.wait(0.002)
for f, m in live:
    m.close()
    f.close()
