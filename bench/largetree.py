"""The "large tree" of the pack benchmark: about 8,000 files and 150 MB in
about 400 directories, shaped like a distribution's /usr (many small files,
a few large ones, symlinks, hard links, a sparse file). Made from a fixed
seed: the same bytes, names and modes on every run and every machine."""
import os
import random

SEED = 17
FILES = 8000
DIRS = 400
SYMLINKS = 300
HARD_LINKS = 40
TARGET_BYTES = 150 * 1000 * 1000
SIZE = "768M"           # the image it is packed into


def file_sizes(rng):
    """Log-normal sizes (median about 3 KB), scaled to TARGET_BYTES with
    the largest files capped at 12 MB, as in a real /usr."""
    raw = [min(rng.lognormvariate(8.0, 2.0), 4e7) for _ in range(FILES)]
    scale = TARGET_BYTES / sum(raw)
    return [max(0, min(int(s * scale), 12 << 20)) for s in raw]


def content(rng, size):
    """Mostly random bytes (like compiled code), some text-like files and
    some with runs of zero blocks (like object files' padding)."""
    kind = rng.random()
    if kind < 0.25:
        words = [b"usr", b"lib", b"share", b"the", b"of", b"config", b"=", b"\n", b"  "]
        out = bytearray()
        while len(out) < size:
            out += rng.choice(words) + b" "
        return bytes(out[:size])
    data = bytearray(rng.randbytes(size))
    if kind > 0.9 and size > 3 * 4096:
        start = (size // 3) & ~4095
        data[start:start + 4096 * 2] = bytes(4096 * 2)
    return bytes(data)


def directories(rng):
    dirs = [""]
    for i in range(DIRS):
        parent = rng.choice(dirs[: 1 + len(dirs) // 2])
        dirs.append(os.path.join(parent, "d%03d" % i))
    return dirs[1:]


def make(root):
    """Write the tree under root (which must not exist); returns root."""
    rng = random.Random(SEED)
    os.makedirs(root)
    dirs = directories(rng)
    for d in dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    files = []
    for i, size in enumerate(file_sizes(rng)):
        path = os.path.join(root, rng.choice(dirs), "f%05d%s" % (i, rng.choice(["", ".so", ".py", ".txt"])))
        with open(path, "wb") as f:
            f.write(content(rng, size))
        os.chmod(path, rng.choice([0o644, 0o644, 0o755, 0o600]))
        files.append(path)
    for i in range(SYMLINKS):
        target = os.path.relpath(rng.choice(files), root)
        os.symlink("/usr/lib/large/" + target, os.path.join(root, rng.choice(dirs), "l%04d" % i))
    for i in range(HARD_LINKS):
        os.link(rng.choice(files), os.path.join(root, rng.choice(dirs), "h%04d" % i))
    with open(os.path.join(root, "sparse.img"), "wb") as f:   # 64 MiB, 8 KiB of data
        f.truncate(64 << 20)
        f.seek(32 << 20)
        f.write(rng.randbytes(8192))
    return root


if __name__ == "__main__":
    import sys
    make(sys.argv[1])
