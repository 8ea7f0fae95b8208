#!/usr/bin/python3
"""Orphan storm in the guest: the shell makes N orphans (1,000; SOAK=1:
10,000), each `(sleep 1 &)`, so the kernel hands every one to PID 1. After
the storm: init has reaped them all (only the shell is left as its child),
no zombie anywhere, and PID 1's memory did not grow. Memory is read before
and after from /proc/1/smaps_rollup (pages mapped) and /proc/1/status
(VmRSS, which Linux 6.1 updates lazily for small processes: shown only)."""
import minroot_test as t

N = 10000 if t.SOAK else 1000

# Shell functions typed at the prompt, one per line.
HELPERS = [
    # init's children: the shell, and orphans not reaped yet; not init's own
    # helper (the command channel's relay, named init too)
    # (no tab typed: it would ask the shell to complete)
    'children() { grep -l "^PPid:[[:space:]]*1\\$" /proc/[0-9]*/status | xargs grep -L "^Name:[[:space:]]*init\\$"'
    ' | wc -l; } 2>/dev/null',
    'zombies() { grep -l "^State:[[:space:]]*Z" /proc/[0-9]*/status | wc -l; } 2>/dev/null',
    'kb() { sed -n "s/^$1:[^0-9]*\\([0-9]*\\) kB/\\1/p" $2; }',
    'settle() { n=0; while [ $n -lt 600 ] && [ "$(children)" -gt 1 ]; do sleep 0.5; n=$((n+1)); done; }',
    'mem() { echo "rss-$1=$(kb Rss /proc/1/smaps_rollup)"; echo "vmrss-$1=$(kb VmRSS /proc/1/status)"; }',
    'storm() { i=0; peak=0; while [ $i -lt $1 ]; do (sleep 1 </dev/null &); i=$((i+1));'
    ' if [ $((i % 250)) = 0 ]; then c=$(children); [ $c -gt $peak ] && peak=$c; fi; done;'
    ' echo "peak=$peak"; }',
]

with t.long_console(snapshot=True) as g:
    if not g.wait_prompt():
        t.fail("boot to a shell prompt", g.log())
        t.finish()
    for line in HELPERS:
        g.p.sendline(line)
        g.wait_prompt()
    # A small storm first, so that the reaping code is already paged in.
    out, st = g.run("storm 20 >/dev/null; settle; mem before", timeout=600)
    t.check("warm-up storm of 20 orphans", st == 0, out or g.log())
    t.note("making %d orphans" % N)
    out2, st2 = g.run("storm %d; settle; echo children=$(children); echo zombies=$(zombies);"
                      " mem after" % N, timeout=3600)
    text = (out or "") + "\n" + (out2 or "")
    if st2 != 0 or out2 is None:
        t.fail("the storm of %d orphans ran" % N, g.log())
        t.finish()
    peak = t.values(text, "peak")
    t.check("orphans were really made (up to %s waiting for init at once)" % (peak or ["?"])[0],
            peak and peak[0] > 1, text)
    t.check("%d orphans reaped: only the shell is left as init's child" % N,
            t.values(text, "children") == [1], text)
    t.check("zombies after the storm: 0", t.values(text, "zombies") == [0], text)
    rss = t.values(text, "rss-before") + t.values(text, "rss-after")
    vmrss = t.values(text, "vmrss-before") + t.values(text, "vmrss-after")
    if len(rss) == 2 and len(vmrss) == 2:
        t.check("PID 1 memory did not grow: Rss %d kB before, %d kB after (VmRSS %d -> %d kB)"
                % (rss[0], rss[1], vmrss[0], vmrss[1]), rss[1] <= rss[0], text)
    else:
        t.fail("PID 1 memory read before and after the storm", text)
    g.p.sendline("poweroff")
    st = g.wait_exit()
    t.check("poweroff after the storm ends QEMU (exit %s)" % st, st == 0, g.log())
t.finish()
