"""The LAVA job definition, as data and as the YAML text a lab reads: a
tmpfs deploy of the kernel and the images, a qemu boot, the KTAP monitor,
then the kernel's health and the command's exit status. Pure."""
import os
import shlex
from dataclasses import dataclass
from urllib.parse import quote

import yaml

from . import patterns

# An image's label in the job is also its {placeholder} in image_arg. LAVA
# passes the images' arguments to QEMU in this order: the NVMe controller
# (on the kernel's) must come before its namespaces.
LABELS = ("kernel", "ramdisk", "rootfs", "tests")
# Minutes, beyond the test's own limit: copying or downloading the images,
# booting under TCG, powering off.
DEPLOY_MINUTES = 10
BOOT_MINUTES = 2
RUN_MARGIN_MINUTES = 10
STEPS_MINUTES = 5
INTERACTIVE_NAME = "minroot"


@dataclass
class Images:
    kernel: str
    rootfs: str | None = None
    ramdisk: str | None = None
    tests: str | None = None


def url(path, prefix):
    """Where the lab finds PATH: PREFIX/NAME, else file:// and its path."""
    if prefix:
        return prefix.rstrip("/") + "/" + quote(os.path.basename(path))
    return "file://" + quote(os.path.abspath(path))


def namespace(label, nsid):
    """An image as a namespace of the one NVMe controller: the root is
    nsid 1, which Linux 6.1 names nvme0n1 (two controllers would race)."""
    d = f"d{nsid}"
    return f"-drive file={{{label}}},if=none,id={d},format=raw -device nvme-ns,drive={d},bus=nvme0,nsid={nsid}"


def image_args(images, line):
    """Each image's image_arg. QEMU's command is one string LAVA splits as a
    shell would (pexpect): the kernel line goes in quoted. -no-reboot: a
    panic (panic=-1) ends QEMU, not a boot loop."""
    disks = [label for label in ("rootfs", "tests") if getattr(images, label)]
    kernel = f"-kernel {{kernel}} -no-reboot -append {shlex.quote(line)}"
    if disks:
        kernel += " -device nvme,id=nvme0,serial=r0"
    args = {"kernel": kernel}
    if images.ramdisk:
        args["ramdisk"] = "-initrd {ramdisk}"
    for nsid, label in enumerate(disks, 1):
        args[label] = namespace(label, nsid)
    return args


def deploy(images, line, prefix):
    args = image_args(images, line)
    return {"deploy": {
        "to": "tmpfs",
        "timeout": {"minutes": DEPLOY_MINUTES},
        "images": {label: {"url": url(getattr(images, label), prefix), "image_arg": args[label]}
                   for label in LABELS if label in args}}}


def monitor(kind, minutes):
    return {"test": {
        "timeout": {"minutes": minutes},
        "monitors": [{"name": kind, "start": "", "end": patterns.MONITOR_END,
                      "pattern": patterns.KTAP_RESULT, "fixupdict": dict(patterns.RESULTS)}]}}


def step(name, failures, success):
    return {"command": None, "name": name, "wait_for_prompt": False,
            "failures": [{"message": f} for f in failures],
            "successes": [{"message": success}]}


def verdict_steps():
    return {"test": {
        "timeout": {"minutes": STEPS_MINUTES},
        "interactive": [{"name": INTERACTIVE_NAME, "prompts": [patterns.NO_PROMPT], "script": [
            step("kernel-health", patterns.health_failures(), patterns.health_success()),
            step("exit-status", patterns.status_failures(), patterns.status_success())]}]}}


def definition(name, kind, images, line, timeout, prefix=None):
    """The job as a dict. timeout: the test's limit in the guest, seconds."""
    run = -(-timeout // 60) + RUN_MARGIN_MINUTES
    total = DEPLOY_MINUTES + BOOT_MINUTES + run + STEPS_MINUTES
    return {
        "job_name": name,
        "device_type": "qemu",
        "visibility": "public",
        "priority": "medium",
        # A quiet test is no lost connection: the monitor waits as long as
        # the test may run.
        "timeouts": {"job": {"minutes": total}, "connection": {"minutes": run}},
        "context": {"arch": "amd64"},
        "actions": [deploy(images, line, prefix),
                    {"boot": {"method": "qemu", "media": "tmpfs", "timeout": {"minutes": BOOT_MINUTES}}},
                    monitor(kind, run),
                    verdict_steps()]}


HEADER = """\
# A LAVA job written by minroot's lava-job: {kind} on {kernel}.
# The guest runs the test in minroot's command mode (after " -- " on the
# kernel line); its console is read once, in order:
#   - the monitor "{kind}": each KTAP result line ("ok N name",
#     "not ok N name", "... # SKIP") is a test case, until init's status
#     line "init: exit status N [taint=... new=...]";
#   - "kernel-health": fails on a panic, or on a taint the test left that is
#     not a module's (a WARN sets W, an oops D); "exit-status": the test's
#     status, 0 or not.
"""


def text(job, kind, kernel):
    """The YAML a lab reads, with a header saying what the job does."""
    body = yaml.safe_dump(job, sort_keys=False, default_flow_style=False, width=float("inf"),
                          allow_unicode=True)
    return HEADER.format(kind=kind, kernel=os.path.basename(kernel)) + body
