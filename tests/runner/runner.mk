# The runner's unit tests: pytest over qemu/runqemu (the package behind
# qemu/run-qemu), no QEMU, no build. Fast, so first among the suites.
SUITES_tests += tests/runner/unit.sh
DEPS_TEST   += python3-pytest pyflakes3 python3-junitparser python3-xmlschema python3-yaml
