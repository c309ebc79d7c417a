#!/usr/bin/env python3
"""Hostile writer in a watched tree: long distinct paths.
mode files  : DEPTH bytes of directories, then N files created (distinct 200-byte names) as fast as possible
mode dirs   : DEPTH bytes deep, N sibling dirs with 200-byte names, a file created in each (fills the
              fanotify handle->path cache)
"""
import os, sys
root, mode, depth, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tag = sys.argv[5] if len(sys.argv) > 5 else "a"
import time
pace = float(os.environ.get("PACE", "0"))  # seconds of sleep per 100 operations
def paced(i):
    if pace and i % 100 == 99:
        time.sleep(pace)
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
seg = "d" * 250
made = 0
while made < depth:
    try:
        os.mkdir(seg, dir_fd=fd)
    except FileExistsError:
        pass
    nfd = os.open(seg, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd); fd = nfd; made += 251
if mode == "files":
    for i in range(n):
        name = ("%s%08d" % (tag, i)).ljust(200, "x")
        f = os.open(name, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd)
        os.close(f)
elif mode == "abs":
    # absolute paths close to PATH_MAX, so each audit PATH record carries ~4 KB names
    base = os.path.join(os.path.abspath(root), *([seg] * (made // 251)))
    for i in range(n):
        name = os.path.join(base, ("%s%08d" % (tag, i)).ljust(min(250, 4090 - len(base) - 1), "z"))
        f = os.open(name, os.O_CREAT | os.O_WRONLY, 0o644)
        os.close(f)
        paced(i)
elif mode == "dirs":
    for i in range(n):
        name = ("%s%08d" % (tag, i)).ljust(200, "y")
        try:
            os.mkdir(name, dir_fd=fd)
        except FileExistsError:
            pass
        paced(i)
    for i in range(n):
        name = ("%s%08d" % (tag, i)).ljust(200, "y")
        d = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        f = os.open("f", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=d)
        os.write(f, b"x"); os.close(f); os.close(d)
        paced(i)
print("made depth", made, "n", n, file=sys.stderr)
