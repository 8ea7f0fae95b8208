# tests/reliability/reliability.mk - data safety, orphan storms, faults,
# hostile hosts and damaged images. Included by the top Makefile.
#
#   make soak     the reliability suites with the full counts (50 boots,
#                 10,000 orphans) and time limits to match
#
# `make test` runs the short forms: 5 boots, 1,000 orphans.
.PHONY: soak

# Fast suites first, then those that boot the kernel.
RELIABILITY_SUITES := tests/reliability/orphans-ns.sh tests/reliability/mkrootfs-input.sh \
	tests/reliability/faults.py tests/reliability/orphans-guest.py \
	tests/reliability/data-safety.py
RELIABILITY_DEPS := $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/rootfs.img $(BUILD)/vmlinuz
# Ten times the boots and the orphans: minutes here, but a busy machine's TCG
# may take ten times as long as tests/run's 20 minutes allow.
SOAK_TIMEOUTS := tests/reliability/orphans-ns.sh=3600 tests/reliability/orphans-guest.py=3600 \
	tests/reliability/data-safety.py=3600

soak: deps $(RELIABILITY_DEPS)
	SOAK=1 SUITE_TIMEOUTS='$(SOAK_TIMEOUTS)' BUILD=$(BUILD) tests/run $(RELIABILITY_SUITES)

SUITES_reliability += $(RELIABILITY_SUITES)
TEST_DEPS += $(RELIABILITY_DEPS)
