"""A child that writes to a pipe and exits 3; the parent reads it and reaps it."""
import os

r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"child\n")
    os._exit(3)
os.close(w)
data = os.read(r, 64)
os.close(r)
os.waitpid(pid, 0)
print(data)
