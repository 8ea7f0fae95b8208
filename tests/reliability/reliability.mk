# tests/reliability/reliability.mk - data safety, orphan storms, faults,
# hostile hosts and damaged images. Included by the top Makefile.
#
#   make soak     the reliability suites with the full counts (50 boots,
#                 10,000 orphans, runs side by side: 8 at once for 3 rounds,
#                 2 x CPUs at once for 50 rounds) and time limits to match,
#                 then the other folders' long suites (SOAK_SUITES)
#
# `make test` runs the short forms: 5 boots, 1,000 orphans, 4 runs at once.
.PHONY: soak

# Fast suites first, then those that boot the kernel.
RELIABILITY_SUITES := tests/reliability/orphans-ns.sh tests/reliability/mkrootfs-input.sh \
	tests/reliability/faults.py tests/reliability/orphans-guest.py \
	tests/reliability/data-safety.py tests/reliability/parallel.py
RELIABILITY_DEPS := $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/rootfs.img $(BUILD)/vmlinuz \
	$(BUILD)/vmlinuz-generic $(BUILD)/modules-generic
# The soak's runs side by side also boot the kernels from source.
SOAK_DEPS := $(RELIABILITY_DEPS) $(BUILD)/bzImage-min $(BUILD)/bzImage-mod $(BUILD)/modules-mod
# Ten times the boots and the orphans: minutes here, but a busy machine's TCG
# may take ten times as long as tests/run's 20 minutes allow. The 224 runs
# side by side took 22 minutes on a loaded 2-CPU machine.
SOAK_TIMEOUTS += tests/reliability/orphans-ns.sh=3600 tests/reliability/orphans-guest.py=3600 \
	tests/reliability/data-safety.py=3600 tests/reliability/parallel.py=7200

soak: deps $(SOAK_DEPS)
	SOAK=1 SUITE_TIMEOUTS='$(SOAK_TIMEOUTS)' BUILD=$(BUILD) tests/run $(RELIABILITY_SUITES) $(SOAK_SUITES)

SUITES_reliability += $(RELIABILITY_SUITES)
TEST_DEPS += $(RELIABILITY_DEPS)
