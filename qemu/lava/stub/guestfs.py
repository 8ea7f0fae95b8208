"""A stand-in for libguestfs's Python module (python3-guestfs), which
lava-dispatcher imports when it starts. minroot's jobs never use it (no
LAVA overlay, tmpfs images): using it says so."""


class GuestFS:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("libguestfs is not installed: minroot's lava-local runs jobs without "
                           "LAVA's overlay (python3-guestfs not installed)")
