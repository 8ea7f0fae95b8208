# tests/kselftest/kselftest.mk - make kselftest (qemu/kselftest/): the KTAP
# summary on recorded runs, the guest's timeout, then a run in a guest.
# Included by the top Makefile.

# The parser on recorded runs first; the run in a guest (a few minutes) last.
SUITES_kselftest += tests/kselftest/ktap.sh tests/kselftest/timeout.sh tests/kselftest/coverage.sh \
	tests/kselftest/run.sh
TEST_DEPS += $(BUILD)/vmlinuz $(BUILD)/rootfs.img $(BUILD)/mkrootfs
DEPS_TEST += $(DEPS_KSELFTEST) python3-junitparser python3-xmlschema
