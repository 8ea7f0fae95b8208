#!/usr/bin/python3
"""Faults on the real kernel (a kernel without devtmpfs is covered by the
namespace tests, tests/ns/init.sh):
- a read-only root (`ro` on the kernel line) still gives a working shell;
- the shell killed with SIGKILL under minroot.onexit=respawn comes back;
- the shell killed with SIGKILL under the default: QEMU powers off."""
import re

import minroot_test as t


def boot_to_prompt(g, what):
    if t.check("%s: shell prompt" % what, g.wait_prompt(), g.log()):
        return True
    return False


def read_only_root():
    with t.long_console(append="ro", snapshot=True) as g:
        if not boot_to_prompt(g, "ro root"):
            return
        out, st = g.run("grep ' / ' /proc/mounts")
        t.check("ro root: / is mounted read-only (%s)" % (out or "").strip(),
                st == 0 and re.search(r" / \S+ ro[, ]", out), out or g.log())
        out, st = g.run("touch /written-on-a-ro-root")
        t.check("ro root: writing fails as it should (status %s)" % st,
                st not in (0, None) and "Read-only file system" in (out or ""), out or g.log())
        out, st = g.run("echo works >/run/x && cat /run/x && uname -r")
        t.check("ro root: the shell runs commands and /run (tmpfs) is writable",
                st == 0 and "works" in (out or ""), out or g.log())
        g.p.sendline("poweroff")
        st = g.wait_exit()
        t.check("ro root: poweroff ends QEMU (exit %s)" % st, st == 0, g.log())


def shell_pid(g):
    out, st = g.run("echo pid=$$")
    return out.split("pid=", 1)[1].split()[0] if st == 0 and "pid=" in out else None


def killed_shell_respawns():
    # quiet=0: init says what it does (run-qemu's console is quiet), the kernel stays quiet
    with t.long_console(append="minroot.onexit=respawn quiet=0", snapshot=True) as g:
        if not boot_to_prompt(g, "respawn"):
            return
        first = shell_pid(g)
        g.p.sendline("kill -9 $$")
        came_back = g.expect("the shell ended with status 137 \\(minroot.onexit=respawn\\)") \
            and g.wait_prompt()
        t.check("respawn: init reports the SIGKILL (status 137) and a new prompt comes",
                came_back, g.log())
        second = shell_pid(g) if came_back else None
        t.check("respawn: a new shell (pid %s, then %s)" % (first, second),
                first and second and first != second, g.log())
        g.p.sendline("poweroff")
        st = g.wait_exit()
        t.check("respawn: poweroff ends QEMU (exit %s)" % st, st == 0, g.log())


def killed_shell_powers_off():
    with t.long_console(append="quiet=0", snapshot=True) as g:
        if not boot_to_prompt(g, "default onexit"):
            return
        g.p.sendline("kill -9 $$")
        st = g.wait_exit()
        log = g.log()
        t.check("default onexit: the shell killed by SIGKILL powers off (run-qemu exit %s)"
                % st, st == 0 and "reboot: Power down" in log, log)
        t.check("default onexit: init says why",
                "the shell ended with status 137 (minroot.onexit=poweroff)" in log, log)
        t.check("default onexit: no kernel panic", "Kernel panic" not in log, log)


read_only_root()
killed_shell_respawns()
killed_shell_powers_off()
t.finish()
