"""Several runs at once as the parts of one, for the fan-outs
(qemu/kselftest/kselftest-jobs: a guest per share of the selftests;
qemu/kunit/kunit-jobs: a guest per share of the KUnit test modules):

    fanout.clear(WORK)                        # an earlier run's guest-N files gone
    interrupted = fanout.run_all(guests, start)
    part, why = fanout.read_part(DIR, line, log)
    fanout.join_logs([log, ...], FILE)

Each guest writes its files in WORK as guest-N (its --results),
guest-N.log (its console) and guest-N.out (its output). Their results
become one with merge.py."""
import os
import re
import shutil

from . import merge, results

GUEST_FILE_RE = re.compile(r"^guest-\d+(\.log|\.out)?$")


def clear(work):
    """WORK made if missing, and the files of an earlier run's guests in it
    removed. Raises OSError."""
    os.makedirs(work, exist_ok=True)
    for name in os.listdir(work):
        if GUEST_FILE_RE.match(name):
            path = os.path.join(work, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)


def run_all(guests, start):
    """START(guest) for every guest, then each waited for (guest.wait()).
    Ctrl-C reaches each guest's run-qemu too (the same process group),
    which stops its QEMU and writes what it has: the waiting goes on.
    Returns whether Ctrl-C came."""
    for g in guests:
        start(g)
    interrupted = False
    for g in guests:
        while True:
            try:
                g.wait()
                break
            except KeyboardInterrupt:
                interrupted = True
    return interrupted


def read_part(path, missing_line, log):
    """(part, why): the results in directory PATH read back (why None), or,
    where the guest left none, a part with no documents and a run that did
    not end (status 125, MISSING_LINE its status line, LOG its console log)
    and why it could not be read."""
    try:
        return merge.read(path), None
    except merge.Unreadable as e:
        f = results.Facts(exit_status=125, ended="no status", status_lines=[missing_line], log=log)
        return merge.Part(path, [], f, None), str(e)


def join_logs(logs, dest):
    """The files LOGS that exist, one after the other, in DEST (written
    whole under a temporary name, then renamed). Raises OSError."""
    tmp = f"{dest}.{os.getpid()}.tmp"
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    with open(tmp, "wb") as out:
        for log in logs:
            if os.path.exists(log):
                with open(log, "rb") as f:
                    shutil.copyfileobj(f, out)
    os.replace(tmp, dest)
