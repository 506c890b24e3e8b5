# Maps one page of a file COUNT times at even page offsets (so no two VMAs merge), then waits on stdin.
# Through libc's mmap(2) itself: Python's mmap module keeps a dup of the fd per mapping, and 20,000
# mappings would pass the fd limit.
import ctypes, mmap, os, sys
path, count = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
MAP_FAILED = ctypes.c_void_p(-1).value
fd = os.open(path, os.O_RDONLY)
made = 0
for i in range(count):
    address = libc.mmap(None, mmap.PAGESIZE, mmap.PROT_READ, mmap.MAP_SHARED, fd, 2 * i * mmap.PAGESIZE)
    if address == MAP_FAILED:
        raise OSError(ctypes.get_errno(), f"mmap {i}: {os.strerror(ctypes.get_errno())}")
    made += 1
os.close(fd)  # the mappings keep the file
print("ready", made, flush=True)
sys.stdin.read()
