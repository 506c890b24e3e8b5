# Stops itself (SIGSTOP), then execs argv[1:] once continued: a test attaches to the pid before the program
# runs a single instruction of its own (the pid stays the same through exec).
import os, signal, sys
os.kill(os.getpid(), signal.SIGSTOP)
os.execvp(sys.argv[1], sys.argv[1:])
