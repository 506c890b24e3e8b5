# The article's random-read script (../shared/article/more-about-mmap-file-access.txt), with the file as an
# argument instead of /var/tmp/file1.db, printing its pid first as the article's other script does.
import mmap
import os
import sys
from random import randint
from time import sleep

print("pid:", os.getpid(), flush=True)
with open(sys.argv[1], "r") as f:
    fd = f.fileno()
    size = os.stat(fd).st_size
    with mmap.mmap(fd, 0, prot=mmap.PROT_READ) as mm:
        try:
            while True:
                pos = randint(0, size-4)
                mm[pos:pos+4]
                sleep(0.05)
        except KeyboardInterrupt:
            pass
