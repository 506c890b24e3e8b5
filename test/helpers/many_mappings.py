# Maps one page of a file COUNT times at even page offsets (so no two VMAs merge), then waits on stdin.
import mmap, sys
path, count = sys.argv[1], int(sys.argv[2])
keep = []
with open(path, "rb") as f:
    for i in range(count):
        keep.append(mmap.mmap(f.fileno(), mmap.PAGESIZE, prot=mmap.PROT_READ, offset=2 * i * mmap.PAGESIZE))
print("ready", len(keep), flush=True)
sys.stdin.read()
