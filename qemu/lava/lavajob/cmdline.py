"""The kernel command line of a LAVA job: minroot's command mode, with
the console LAVA reads. Pure."""
from runqemu.arches import ARCHES
from runqemu.drives import root_device
from runqemu.kernelline import tcg_words
from runqemu.status import Usage

# x86's COMMAND_LINE_SIZE, its final NUL left out.
MAX_CMDLINE = 2047

ARCH = ARCHES["x86_64"]


def quote(word):
    """A word of init's argv as the kernel reads it back: double quotes
    group (the kernel's only quoting; a word cannot hold one)."""
    return f'"{word}"' if not word or any(c.isspace() for c in word) else word


def kernel_words(test, has_root, timeout):
    """Everything before " -- ". No quiet: the console is LAVA's only view
    of the kernel (loglevel decides what reaches it). The TCG words are
    harmless under KVM, and a lab's qemu device may well be TCG."""
    words = [f"console={ARCH.console}", f"loglevel={test.loglevel}"]
    if has_root:
        words += [f"root={root_device('nvme')}", "rw"]
    words += ["panic=-1"] + tcg_words(ARCH) + ["edd=off"]
    if timeout:
        words.append(f"minroot.timeout={timeout}")
    return words + test.words


def kernel_line(test, has_root, timeout):
    return " ".join(kernel_words(test, has_root, timeout) + ["--"] + [quote(a) for a in test.argv])


def check_length(line):
    """The kernel keeps 2047 bytes of its command line (x86) and cuts the
    rest without a word."""
    if len(line.encode()) > MAX_CMDLINE:
        raise Usage(f"the kernel command line would be {len(line.encode())} bytes; "
                    f"the kernel keeps {MAX_CMDLINE} (shorten the command)")
