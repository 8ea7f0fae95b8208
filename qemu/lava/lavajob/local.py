"""lava-local: a LAVA job run on this machine by Debian's own dispatcher,
standalone (lava-run, no server), never installed: Debian 12's
lava-dispatcher, lava-dispatcher-host, lava-common and lava-server (its
device templates) are downloaded by scripts/debian-package and unpacked
into the cache; their Python dependencies are Debian packages (DEPS_LAVA in
qemu/lava/lava.mk).

    lava-local [--validate] [--log FILE] JOB.yaml

--validate checks the job as a lab would before running it: lava-server's
schema (lava_common.schemas.validate, strict, what a submission must
pass), then lava-run --validate (the dispatcher's own checks: the files
are there, the device can run it). A 'qemu' device dictionary is rendered from lava-server's templates as a
lab renders it (jinja2, sandboxed, the device's own variables: amd64,
no KVM); LAVA's working files (its copies of the images) go to a
temporary directory, not /var/lib/lava. Prints one line per test case,
"DEFINITION/CASE: RESULT", and exits 0 when the job ran to its end."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from runqemu.status import RunError, ToolFailure, Usage

from . import results

PROG = "lava-local"
HERE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
TOP = os.path.dirname(os.path.dirname(HERE))
# lava-dispatcher imports libguestfs's Python module at start-up, though a
# tmpfs job never calls it: a stand-in that refuses to be used (the real one
# pulls in 100 packages and wants a host kernel in /boot).
STUB_DIR = os.path.join(HERE, "stub")
PACKAGES = ("lava-dispatcher", "lava-dispatcher-host", "lava-common", "lava-server")
PYTHON = "/usr/bin/python3"
TEMPLATES = "usr/share/lava-server/device-types"
SITE = "usr/lib/python3/dist-packages"
DEVICE = """\
{% extends 'qemu.jinja2' %}
{% set arch = 'amd64' %}
{% set no_kvm = True %}
{% set memory = 512 %}
{% set netdevice = 'user' %}
"""


def cache_dir():
    base = os.environ.get("MINROOT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ.get("HOME", "/tmp"), ".cache"), "minroot")
    return os.path.join(base, "lava")


def run(argv, what, **kw):
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, **kw)
    except OSError as e:
        raise ToolFailure(f"{what}: cannot run {argv[0]}: {e.strerror}")
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["status %d" % r.returncode])[-1]
        raise ToolFailure(f"{what}: {last}")
    return r.stdout


def debian_package(*args):
    """scripts/debian-package -r 12 ARGS: its one line of output."""
    return run([os.path.join(TOP, "scripts", "debian-package"), "-r", "12"] + list(args),
               f"debian-package {' '.join(args)}").strip()


def candidate(package):
    """The version of Debian 12's PACKAGE apt would take."""
    return debian_package("version", package)


def unpack(cache, version):
    """The four packages unpacked into CACHE/root-VERSION, whole or not at
    all (a temporary directory renamed)."""
    root = os.path.join(cache, "root-" + version)
    if os.path.isfile(os.path.join(root, "usr", "bin", "lava-run")):
        return root
    os.makedirs(cache, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".unpack.", dir=cache)
    try:
        tree = os.path.join(work, "root")
        for package in PACKAGES:
            deb = debian_package("download", f"{package}={version}")
            run(["dpkg-deb", "-x", deb, tree], f"dpkg-deb -x {os.path.basename(deb)}")
        try:
            os.rename(tree, root)
        except OSError:
            if not os.path.isdir(root):     # another run's rename came first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return root


def render_device(root, path):
    """The device dictionary, rendered as lava-server renders a device's."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment
    devices = os.path.dirname(path)
    with open(os.path.join(devices, "qemu-minroot.jinja2"), "w") as f:
        f.write(DEVICE)
    env = SandboxedEnvironment(loader=jinja2.FileSystemLoader([devices, os.path.join(root, TEMPLATES)]),
                               autoescape=False, trim_blocks=True)
    with open(path, "w") as f:
        f.write(env.get_template("qemu-minroot.jinja2").render())


def lava_run(root, job, work, validate, log):
    """lava-run on JOB, its log (JSON lines) into LOG; its exit status."""
    device = os.path.join(work, "device", "qemu-minroot.yaml")
    os.makedirs(os.path.dirname(device))
    render_device(root, device)
    dispatcher = os.path.join(work, "dispatcher.yaml")
    with open(dispatcher, "w") as f:
        # Joined to /var/lib/lava/dispatcher/tmp, an absolute prefix wins.
        f.write(f"prefix: {os.path.join(work, 'job-')}\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([STUB_DIR, os.path.join(root, SITE)]))
    argv = [PYTHON, os.path.join(root, "usr", "bin", "lava-run"), "--job-id", "1",
            "--output-dir", os.path.join(work, "out"), "--device", device, "--dispatcher", dispatcher]
    with open(log, "w") as out:
        return subprocess.run(argv + (["--validate"] if validate else []) + [job],
                              stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                              cwd=work).returncode


def schema_errors(root, job):
    """What lava-server says of JOB on submission, or None."""
    import yaml
    sys.path.insert(0, os.path.join(root, SITE))
    from lava_common.schemas import validate
    try:
        with open(job) as f:
            validate(yaml.safe_load(f), strict=True)
    except Exception as e:      # voluptuous's Invalid and YAML's errors alike
        return f"{type(e).__name__}: {e}"
    return None


def parse_args(argv):
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise Usage(message)
    p = Parser(prog=PROG, description="Run a LAVA job on this machine with Debian's lava-run.")
    p.add_argument("--validate", action="store_true", help="lava-run --validate only: check the job")
    p.add_argument("--log", default="lava-run.log", help="lava-run's log (default lava-run.log)")
    p.add_argument("job")
    o = p.parse_args(argv)
    if not os.path.isfile(o.job):
        raise Usage(f"no job file {o.job}")
    return o


def main(argv):
    try:
        o = parse_args(argv)
        subprocess.run([os.path.join(TOP, "scripts", "deps")] + deps(), check=True)
        root = unpack(cache_dir(), candidate("lava-dispatcher"))
        if o.validate:
            why = schema_errors(root, o.job)
            if why:
                print(f"{PROG}: lava-server's schema refuses {o.job}: {why}", file=sys.stderr)
                return 1
            print(f"{PROG}: lava-server's schema accepts {o.job}", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="lava-local.") as work:
            rc = lava_run(root, os.path.abspath(o.job), work, o.validate, os.path.abspath(o.log))
    except subprocess.CalledProcessError:
        print(f"{PROG}: error: the Python packages lava-run needs are missing", file=sys.stderr)
        return 1
    except RunError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return e.status if e.status == 2 else 1
    found = results.lava_results(open(o.log, errors="replace").read())
    for r in found:
        if r.get("definition") != "lava":
            print(f"{r.get('definition')}/{r.get('case')}: {r.get('result')}")
    verdict = results.job_result(found)
    print(f"{PROG}: lava-run exited {rc}, the job: {verdict or 'no result'} (log: {o.log})", file=sys.stderr)
    return 0 if rc == 0 and verdict == "pass" else 1


def deps():
    """DEPS_LAVA of qemu/lava/lava.mk: read there, so the list is kept once."""
    with open(os.path.join(HERE, "lava.mk")) as f:
        for line in f:
            if line.startswith("DEPS_LAVA"):
                return line.split("=", 1)[1].split()
    return []
