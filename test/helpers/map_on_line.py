# Maps PATH's first page COUNT times, then for each line on stdin: "map" maps one more page (untouched)
# and "touch" reads the page of the last mapping (one fault); answers "ok" after each. For the sampler's
# carried mappings and page table (test/kernel/carried-maps.test.ts). Through libc's mmap(2), as
# many_mappings.py. usage: map_on_line.py PATH COUNT
import ctypes, mmap, os, sys
path, count = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
fd = os.open(path, os.O_RDONLY)
made = []
def map_one():
    address = libc.mmap(None, mmap.PAGESIZE, mmap.PROT_READ, mmap.MAP_SHARED, fd, 2 * len(made) * mmap.PAGESIZE)
    if address == ctypes.c_void_p(-1).value:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    made.append(address)
for _ in range(count):
    map_one()
print("ready", len(made), flush=True)
for line in sys.stdin:
    if line.strip() == "map":
        map_one()
    elif line.strip() == "touch":
        ctypes.c_ubyte.from_address(made[-1]).value
    print("ok", flush=True)
