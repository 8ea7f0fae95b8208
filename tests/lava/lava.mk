# lava-job's tests: its package with pytest (no QEMU, no LAVA; fast, so
# early), then jobs run by Debian's lava-run against direct runs.
TEST_SUITES += tests/lava/unit.sh
