# tests/kselftest/kselftest.mk - make kselftest (qemu/kselftest/): the KTAP
# summary and the merge of shards on recorded runs, the guest's timeout,
# then runs in guests: one, several at once, shards.
# Included by the top Makefile.

# The parser, the coverage report and the merge of shards on recorded runs
# first; the runs in guests (a few minutes each) last: one guest, then several
# at once and shards.
SUITES_kselftest += tests/kselftest/ktap.sh tests/kselftest/merge.sh tests/kselftest/timeout.sh \
	tests/kselftest/coverage.sh tests/kselftest/coverage-run.sh tests/kselftest/run.sh tests/kselftest/fanout.sh
TEST_DEPS += $(BUILD)/vmlinuz $(BUILD)/rootfs.img $(BUILD)/mkrootfs $(BUILD)/vmlinuz-generic $(BUILD)/modules-generic
DEPS_TEST += $(DEPS_KSELFTEST) python3-junitparser python3-xmlschema
# fanout.sh runs two guests at once, which keep about one CPU busy: its
# weight is measured (tests/suite-load), like every suite's.
