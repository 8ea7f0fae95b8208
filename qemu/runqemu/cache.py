"""The cache outside the clone (~/.cache/minroot): entries named by the
digest of what they are made from, written atomically, pruned to the ones
used last but never one in use; a lock where two runs at once would both
do the same slow work."""
import contextlib
import fcntl
import hashlib
import os
import tempfile
import time

# A cache entry used this recently is never pruned: another run may be
# about to open it.
CACHE_IN_USE_S = 1800


def cache_dir(env=os.environ):
    base = env.get("XDG_CACHE_HOME") or os.path.join(env.get("HOME", "/tmp"), ".cache")
    return env.get("MINROOT_CACHE") or os.path.join(base, "minroot")


def cache_key(*parts):
    """The digest that names a cache entry, of what it is made from: a file
    by its content, a directory (a modules tree) by its listing, anything
    else as given. A change to any of them makes a new entry."""
    h = hashlib.sha256()
    for part in parts:
        if os.path.isdir(part):
            for root, dirs, files in sorted(os.walk(part)):
                dirs.sort()
                for name in sorted(files):
                    st = os.stat(os.path.join(root, name))
                    h.update(f"{os.path.relpath(os.path.join(root, name), part)} {st.st_size} "
                             f"{st.st_mtime_ns}\n".encode())
        elif os.path.isfile(part):
            with open(part, "rb") as f:
                h.update(f.read())
        else:
            h.update(part.encode())
    return h.hexdigest()


def used_again(path):
    """Whether a cache entry exists; if so it is marked as used now, for
    prune_cache (a cache we may not write keeps its times)."""
    try:
        os.utime(path)
        return True
    except OSError:
        return os.path.exists(path)


def prune_cache(cache, prefix, suffix, keep, now=None):
    """Of the files PREFIX*SUFFIX in cache, the `keep` used last stay, and
    any used within CACHE_IN_USE_S; the rest go. A file's use is its mtime
    (os.utime when it is used again)."""
    try:
        files = [os.path.join(cache, n) for n in os.listdir(cache)
                 if n.startswith(prefix) and n.endswith(suffix)]
        files.sort(key=os.path.getmtime, reverse=True)
        stale_before = (time.time() if now is None else now) - CACHE_IN_USE_S
        for path in files[keep:]:
            if os.path.getmtime(path) < stale_before:
                os.unlink(path)
    except OSError:
        pass


def write_entry(path, content):
    """Write a cache entry under a temporary name, then rename it: a run
    reading the cache sees the whole entry or none. False if it cannot
    (a cache we may not write is only slower)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".new.")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except OSError:
        os.unlink(tmp)
        return False
    return True


def read_entry(path):
    """A cache entry's bytes, or None when there is none (or it cannot be
    read: the caller makes it again)."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive lock on the file PATH (made if missing) for the
    block: a second run waits for the first, then finds its entry. Where
    the lock cannot be had (a cache we may not write), no lock: the run
    does the work itself."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        yield False
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield True
    finally:
        os.close(fd)
