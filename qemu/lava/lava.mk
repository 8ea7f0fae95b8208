# LAVA: qemu/lava/lava-job writes a job for a lab's 'qemu' devices,
# qemu/lava/lava-local runs one here with Debian's lava-run (unpacked in
# the cache, never installed; see docs/lava.md). What lava-run imports, from
# Debian (python3-guestfs is left out: qemu/lava/stub stands in for it):
DEPS_LAVA = python3-yaml python3-jinja2 python3-pexpect python3-requests python3-configobj python3-magic python3-netifaces python3-setproctitle python3-tz python3-voluptuous python3-pyudev python3-aiohttp
