#!/usr/bin/python3
"""A verdict a CI can trust, on Debian's cloud kernel under TCG: a kernel
warning, oops or new taint fails the run (122) with one line naming it and
the console log; --allow-warn keeps the command's status; a panic is 125;
--timeout stops the command in the guest and the data it wrote is kept; the
console is quiet but shows every splat; the host terminal's size and TERM
are the guest's, and a resize is followed; nothing from the firmware
reaches the terminal. --results: the KTAP a command prints, and the kernel's
health as a test case of its own (a WARN fails it while the tests pass), a
panic and an interruption written down too, read back by check-results
(junitparser, xmlschema, kunit.py) and here."""
import json
import os
import re
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import minroot_test as t
from minroot_test import B, RUN, TOP

SPLAT = os.path.join(B, "splat.ko")


def run(args, image=None, snapshot=True):
    cmd = [RUN, "--accel", "tcg", "--kernel", os.path.join(B, "vmlinuz"),
           "--image", image or os.path.join(B, "rootfs.img"), "--timeout", "600"]
    cmd += (["--snapshot"] if snapshot else []) + args
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def one_line(err, text):
    lines = [l for l in err.splitlines() if l.startswith("run-qemu: ") and text in l]
    return len(lines) == 1


def kernel_health(mod_dir, log):
    print("# kernel health in command mode")
    rc, out, err = run(["--log", log, "--", "true"])
    t.check("a clean run: status 0, no complaint", rc == 0 and "run-qemu:" not in err, err)
    logged = open(log, errors="replace").read() if os.path.exists(log) else ""
    t.check("... the kernel log is kept (--log): the boot's notices (the kernel's version)",
            "Linux version" in logged, logged[-2000:])
    t.check("... but not its informational lines (the serial port's time)",
            "Run /sbin/init as init process" not in logged, logged[-2000:])
    rc, out, err = run(["--log", log, "--", "sh", "-c", "echo '<6>hello at info level' >/dev/kmsg"])
    logged = open(log, errors="replace").read() if os.path.exists(log) else ""
    t.check("... what the run logs, at any level (an info line written to /dev/kmsg)",
            re.search(r"^\[ *\d+\.\d+\] hello at info level$", logged, re.M) is not None, logged[-2000:])
    rc, out, err = run(["--verbose", "--log", log, "--", "true"])
    logged = open(log, errors="replace").read() if os.path.exists(log) else ""
    t.check("--verbose: the whole boot in the log, informational lines too",
            rc == 0 and "Run /sbin/init as init process" in logged, err + logged[-2000:])
    share = ["--share", f"{mod_dir}:/m"]
    rc, out, err = run(share + ["--log", log, "--", "sh", "-c", "insmod /m/splat.ko action=warn; exit 3"])
    t.check("a WARN during the run: exit 122", rc == 122, f"rc={rc}\n{err}")
    t.check("... one line with the first splat's first line and the log",
            one_line(err, "WARNING: CPU") and log in err, err)
    t.check("... the warning reached the terminal although the console is quiet",
            re.search(r"^WARNING: CPU.*splat", err, re.M) is not None, err)
    logged = open(log, errors="replace").read()
    t.check("... init's status line (in the console log) carries the taint letters",
            re.search(r"init: exit status 3 taint=\S*W\S* new=\S*W", logged) is not None, logged[-3000:])
    rc, out, err = run(share + ["--allow-warn", "--", "sh", "-c", "insmod /m/splat.ko action=warn; exit 3"])
    t.check("--allow-warn: the command's own status (3), the line still printed",
            rc == 3 and one_line(err, "WARNING: CPU"), f"rc={rc}\n{err}")
    rc, out, err = run(share + ["--", "sh", "-c", "insmod /m/splat.ko action=oops; echo after=$?"])
    t.check("an oops during the run: exit 122, naming the BUG line",
            rc == 122 and one_line(err, "BUG: kernel NULL pointer dereference"), f"rc={rc}\n{err}")
    rc, out, err = run(["--", "sh", "-c", "echo 512 > /proc/sys/kernel/tainted"])
    t.check("a taint that appears during the run, without a splat: exit 122",
            rc == 122 and one_line(err, "tainted during the run (W)"), f"rc={rc}\n{err}")
    rc, out, err = run(share + ["--", "sh", "-c", "insmod /m/splat.ko; exit 0"])
    t.check("loading a module (taints O, E) is no failure", rc == 0, f"rc={rc}\n{err}")
    rc, out, err = run(share + ["--", "sh", "-c", "insmod /m/splat.ko action=panic"])
    t.check("a panic: exit 125 and one line", rc == 125 and one_line(err, "the kernel panicked: not syncing: "),
            f"rc={rc}\n{err}")


# The KTAP the results' commands print: kselftest's layout, a subtest, a
# skip. SPLAT: what goes between the first test and the second.
KTAP_SCRIPT = """\
echo 'TAP version 13'
echo '1..3'
echo '# selftests: demo: first'
echo '# TAP version 13'
echo '# 1..2'
echo '# ok 1 one'
echo '# ok 2 two'
echo 'ok 1 selftests: demo: first'
SPLAT
echo '# selftests: demo: second'
echo 'ok 2 selftests: demo: second'
echo '# selftests: demo: third'
echo 'ok 3 selftests: demo: third # SKIP not here'
"""
KTAP_PRINTED = ("TAP version 13\n1..3\n# selftests: demo: first\n# TAP version 13\n# 1..2\n# ok 1 one\n"
                "# ok 2 two\nok 1 selftests: demo: first\n# selftests: demo: second\nok 2 selftests: demo: second\n"
                "# selftests: demo: third\nok 3 selftests: demo: third # SKIP not here\n")


def results_run(base, name, splat, mod_dir, extra=()):
    """run-qemu --results on KTAP_SCRIPT: (status, stdout, stderr, the
    results directory)."""
    script = os.path.join(base, name + ".sh")
    with open(script, "w") as f:
        f.write(KTAP_SCRIPT.replace("SPLAT", splat))
    out = os.path.join(base, name)
    rc, stdout, err = run(["--share", f"{mod_dir}:/m", "--results", out, *extra, "--script", script])
    return rc, stdout, err, out


def consumers_read(what, base, out, stdout):
    """check-results on OUT, against ktap-summary of the command's output."""
    log = os.path.join(base, "stdout.ktap")
    with open(log, "w") as f:
        f.write(stdout)
    summary = subprocess.run([os.path.join(TOP, "qemu", "kselftest", "ktap-summary"), log],
                             capture_output=True, text=True).stdout
    with open(log + ".sum", "w") as f:
        f.write(summary)
    r = subprocess.run([os.path.join(TOP, "tests", "kselftest", "check-results"), what, out, log + ".sum"],
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("ok - "):
            t.ok(line[5:])
        elif line.startswith("not ok - "):
            t.fail(line[9:], r.stdout)
    t.check(f"{what}: check-results ran", r.returncode == 0 or "not ok" in r.stdout, r.stdout + r.stderr)


def junit_cases(out):
    """{(suite, name): (element, message, text)} of OUT/junit.xml."""
    cases = {}
    for suite in ET.parse(os.path.join(out, "junit.xml")).getroot():
        for c in suite.iter("testcase"):
            sub = [e for e in c if e.tag in ("failure", "error", "skipped")]
            cases[(suite.get("name"), c.get("name"))] = \
                (sub[0].tag, sub[0].get("message"), sub[0].text or "") if sub else ("pass", None, "")
    return cases


def results_json(out):
    with open(os.path.join(out, "results.json")) as f:
        return json.load(f)


def results_of_a_clean_run(mod_dir, base):
    print("# --results: the KTAP a command prints")
    rc, stdout, err, out = results_run(base, "ktap", "", mod_dir)
    t.check("a command printing KTAP, --results: exit 0", rc == 0, f"rc={rc}\n{err}")
    t.check("... its output on standard output, unchanged", stdout == KTAP_PRINTED, stdout)
    t.check("... results.ktap holds it", open(os.path.join(out, "results.ktap")).read() == KTAP_PRINTED)
    rc2, stdout2, _ = run(["--script", os.path.join(base, "ktap.sh")])
    t.check("... the same output and status without --results", (rc2, stdout2) == (rc, stdout), stdout2)
    consumers_read("a command's KTAP", base, out, stdout)
    cases = junit_cases(out)
    t.check("junit.xml: the tests, a subtest, a skip; the kernel healthy, the run finished",
             [k[1] for k in cases] == ["first", "first: one", "first: two", "second", "third", "kernel-health",
                                       "run-finished"] and cases[("demo", "third")][0] == "skipped"
             and cases[("minroot", "kernel-health")][0] == "pass", str(cases))
    r = results_json(out)
    t.check("results.json: pass, 0, the kernel's version, boot and run durations",
             (r["verdict"], r["exit_status"], r["ended"]) == ("pass", 0, "status")
             and r["kernel"]["version"] and r["durations"]["boot"] and r["durations"]["run"], json.dumps(r)[:2000])


def results_of_a_warning(mod_dir, base):
    print("# --results: a WARN while the tests pass")
    rc, stdout, err, out = results_run(base, "warn", "insmod /m/splat.ko action=warn", mod_dir)
    t.check("the tests pass, the kernel warns: exit 122", rc == 122, f"rc={rc}\n{err}")
    consumers_read("a WARN", base, out, stdout)
    cases = junit_cases(out)
    health = cases.get(("minroot", "kernel-health"), ("missing", "", ""))
    failing = [k for k, v in cases.items() if v[0] in ("failure", "error")]
    t.check("junit.xml: minroot.kernel-health fails, and only it", failing == [("minroot", "kernel-health")],
             str(cases))
    t.check("... with the WARNING line as its message, the splat as its text",
             health[0] == "failure" and "WARNING: CPU" in health[1] and "splat" in health[2]
             and "---[ end trace" in health[2], str(health))
    r = results_json(out)
    t.check("results.json: fail, 122, the new taint (W) and the first splat",
             (r["verdict"], r["exit_status"]) == ("fail", 122) and "W" in r["kernel"]["taint_new"]
             and r["kernel"]["first_splat"][0].startswith("WARNING: CPU"), json.dumps(r["kernel"]))
    rc, _, _, out = results_run(base, "warn-allowed", "insmod /m/splat.ko action=warn", mod_dir, ["--allow-warn"])
    t.check("--allow-warn: exit 0, the health case still fails",
             rc == 0 and junit_cases(out)[("minroot", "kernel-health")][0] == "failure", f"rc={rc}")


def results_of_a_panic(mod_dir, base):
    print("# --results: a panic in the middle of the tests")
    rc, stdout, err, out = results_run(base, "panic", "insmod /m/splat.ko action=panic", mod_dir)
    t.check("a panic after the first test: exit 125", rc == 125, f"rc={rc}\n{err}")
    cases = junit_cases(out)
    t.check("junit.xml: the first test passed, the two never reported are errors",
             cases[("demo", "first")][0] == "pass" and
             [v[0] for k, v in cases.items() if k[0] == "demo" and "never reported" in k[1]] == ["error", "error"],
             str(cases))
    panicked = "the kernel panicked: not syncing: splat: panic on demand"
    t.check("... the health case fails with the panic, the run's end is an error",
             cases[("minroot", "kernel-health")][:2] == ("failure", panicked)
             and cases[("minroot", "run-finished")][:2] == ("error", "the kernel panicked"), str(cases))
    r = results_json(out)
    t.check("results.json: 125, ended by a panic, the document cut short",
             (r["exit_status"], r["ended"], r["documents"][0]["cut_short"], r["documents"][0]["missing"])
             == (125, "panic", True, 2), json.dumps(r)[:1500])


def results_of_an_interruption(base):
    print("# --results: run-qemu interrupted while a test runs")
    script = os.path.join(base, "slow.sh")
    with open(script, "w") as f:
        f.write("echo 'TAP version 13'; echo '1..2'; echo '# selftests: s: a'; echo 'ok 1 selftests: s: a'\n"
                "echo '# selftests: s: b'; sleep 1000\n")
    out = os.path.join(base, "interrupted")
    cmd = [RUN, "--accel", "tcg", "--kernel", os.path.join(B, "vmlinuz"), "--image", os.path.join(B, "rootfs.img"),
           "--snapshot", "--timeout", "600", "--results", out, "--script", script]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b"# selftests: s: b\n" not in seen:
        chunk = p.stdout.read1(4096) if hasattr(p.stdout, "read1") else p.stdout.read(1)
        if not chunk:
            break
        seen += chunk
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    t.check("SIGINT while test b runs: exit 130", p.returncode == 130, f"rc={p.returncode}\n{err.decode()}")
    cases = junit_cases(out) if os.path.exists(os.path.join(out, "junit.xml")) else {}
    t.check("... the results say so: b without result, the run's end an error",
             cases.get(("s", "b"), ("",))[0] == "error" and
             cases.get(("minroot", "run-finished"), ("", ""))[:2] ==
             ("error", "run-qemu was interrupted and stopped QEMU"), str(cases))
    t.check("... no file half-written in the directory", sorted(os.listdir(out)) ==
             ["junit.xml", "results.json", "results.ktap"], str(os.listdir(out)))


def results_bad_input(base):
    print("# --results: a directory that cannot be written")
    taken = os.path.join(base, "taken")
    with open(taken, "w") as f:
        f.write("mine")
    t0 = time.monotonic()
    rc, out, err = run(["--results", taken, "--", "true"])
    t.check("a file in its place: exit 2, one line", rc == 2 and err == f"run-qemu: error: --results {taken}: "
             "not a directory\n", f"rc={rc}\n{err}")
    t.check("... before QEMU starts (nothing on the console)", out == "" and "init:" not in err, err)
    t.check("... the file untouched", open(taken).read() == "mine")
    print(f"# (refused in {time.monotonic() - t0:.1f} s)")


def timeout_ends_cleanly(base):
    print("# --timeout: the guest stops the command, syncs and powers off")
    image = os.path.join(base, "timeout.img")
    t.copy_image(os.path.join(B, "rootfs.img"), image)
    t0 = time.monotonic()
    rc, out, err = run(["--timeout", "15", "--", "sh", "-c", "echo written > /root/t; sleep 1000"],
                       image=image, snapshot=False)
    t.check("a command sleeping past --timeout 15: exit 124", rc == 124, f"rc={rc}\n{err}")
    t.check("... saying it timed out", "timed out after 15 s" in err, err)
    t.check("... stopped by init, not by killing QEMU", "QEMU killed" not in err, err)
    fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    t.check("... the image is clean (e2fsck -fn)", fsck.returncode == 0, fsck.stdout + fsck.stderr)
    cat = subprocess.run(["debugfs", "-R", "cat /root/t", image], capture_output=True, text=True)
    t.check("... what the command wrote without sync is on the image", cat.stdout.strip() == "written",
            cat.stdout + cat.stderr)
    print(f"# (the run took {time.monotonic() - t0:.0f} s)")


def interactive(mod_dir):
    print("# the terminal: quiet console, size, TERM, resize, no firmware bytes")
    env_term = "xterm-256color"
    os.environ["TERM"] = env_term
    with t.Console(extra=["--snapshot", "--share", f"{mod_dir}:/m"], dimensions=(50, 200)) as c:
        booted = c.wait_prompt()
        t.check("the prompt comes", booted, c.log())
        before = c.log()
        raw = open(c.logpath, errors="replace").read()
        first = re.search(r"\[ *\d+\.\d+\]|init:|root@", raw)
        head = raw[:first.start()] if first else raw
        t.check("nothing before the first kernel or init line holds an escape sequence",
                "\x1b" not in head, repr(head[:300]))
        kernel_lines = [l for l in before.splitlines() if re.match(r"\[ *\d+\.\d+\]", l)]
        t.check("no kernel line before the prompt (quiet)", not kernel_lines, "\n".join(kernel_lines))
        out, st = c.run("stty size")
        t.check("stty size is the host terminal's: 50 200", out == "50 200", out)
        out, st = c.run("echo $TERM")
        t.check(f"TERM is the host's ({env_term})", out == env_term, out)
        c.p.sendline("sleep 3; stty size")
        time.sleep(1)
        c.p.setwinsize(40, 120)
        t.check("a resize during a foreground job reaches the guest: 40 120", c.expect(r"40 120", 60), c.log())
        c.wait_prompt(60)
        out, st = c.run("insmod /m/splat.ko action=warn")
        t.check("a WARN at the prompt is shown on the terminal", c.expect(r"WARNING: CPU", 30) or
                "WARNING: CPU" in c.log(), c.log()[-2000:])
        c.wait_prompt(30)
        c.p.sendline("poweroff")
        status = c.wait_exit()
        after = c.log()[len(before):]
        kernel_lines = [l for l in after.splitlines() if re.match(r"\[ *\d+\.\d+\]", l)
                        and "Power down" not in l and "splat" not in l and "WARNING" not in l]
        # The WARN's own lines are the splat; anything else is noise.
        noise = [l for l in kernel_lines if not re.search(r"RIP|RSP|RAX|RDX|RBP|R1[0-5]|FS:|CS:|CR2|Call Trace|"
                                                          r"<TASK>|</TASK>|Modules linked|CPU:|Hardware name|"
                                                          r"Code:|---\[|do_|load_module|init_module|"
                                                          r"entry_SYSCALL|x64_sys|__|\? ", l)]
        t.check("after the prompt: no kernel line but the splat and the power-down", not noise, "\n".join(noise))
        t.check("poweroff ends run-qemu, with 122 for the warning", status == 122, f"status={status}")


def main():
    base = t.scratch()
    if not os.path.exists(SPLAT):
        t.fail(f"missing {SPLAT} (make {SPLAT})")
        t.finish()
    mod_dir = os.path.join(base, "mod")
    os.makedirs(mod_dir)
    shutil.copy(SPLAT, mod_dir)
    log = os.path.join(base, "console.log")
    kernel_health(mod_dir, log)
    results_bad_input(base)
    results_of_a_clean_run(mod_dir, base)
    results_of_a_warning(mod_dir, base)
    results_of_a_panic(mod_dir, base)
    results_of_an_interruption(base)
    timeout_ends_cleanly(base)
    interactive(mod_dir)
    t.finish()


if __name__ == "__main__":
    main()
