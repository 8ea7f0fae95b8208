# The kernel's own selftests (see qemu/kselftest/kselftest and qemu/kselftest/build-kselftest):
#   make kselftest                          the default set on $(KERNEL)
#   make kselftest TESTS='timers exec'      whole collections
#   make kselftest TESTS=timers:nanosleep KERNEL=/path/bzImage
#   make kselftest RESULTS=DIR              junit.xml, results.json, results.ktap there
#   make kselftest DEBIAN=13                Debian 13's: linux-source-6.12's selftests
#                                           on $(BUILD)/debian13/vmlinuz
#   make kselftest JOBS=N                   up to N guests at once (default: the CPU count;
#                                           1: one guest runs them all)
#   make kselftest SHARD=I/N                the I-th of N shards of the run (or GitLab's
#                                           CI_NODE_INDEX/CI_NODE_TOTAL); merge their results
#                                           with qemu/kselftest/merge-results DIR... -o OUT
#   make kselftest DURATIONS=FILE           balance guests and shards by a results.json's times
#                                           (default: qemu/kselftest/durations)
#   make kselftest TESTS=net BUDGET=1200    no test starts after 1200 s (in each guest)
#   make kselftest KERNEL=build/vmlinuz-generic MODULES=build/modules-generic
#   make kselftest TESTS=cpu-hotplug SMP=2  guest CPUs
#   make kselftest-coverage                 every collection on both default kernels
#                                           (hours under TCG), the table in docs/kselftest.md;
#                                           JOBS=N guests at once (default: the CPU count)
# (qemu/kselftest/kselftest-jobs; docs/kselftest.md, docs/ci.md)
.PHONY: kselftest kselftest-coverage
TESTS ?=
# Empty: each target has its own default (make kunit reads it too).
RESULTS ?=
JOBS ?= $(shell nproc)
SHARD ?=
DURATIONS ?=
BUDGET ?=

DEPS_KSELFTEST = linux-source-6.1 make gcc libc6-dev rsync xz-utils python3

kselftest: $(BUILD)/init $(BUILD)/mkrootfs $(RUN_KERNEL_DEP)
	@scripts/deps $(DEPS_KSELFTEST) $(DEPS_RUN)
	DEBIAN=$(DEBIAN) BUILD=$(BUILD) qemu/kselftest/kselftest-jobs --jobs $(JOBS) $(if $(SHARD),--shard $(SHARD)) \
		$(if $(DURATIONS),--durations $(DURATIONS)) --kernel $(KERNEL) $(if $(MODULES),--modules $(MODULES)) \
		$(if $(SMP),--smp $(SMP)) $(if $(BUDGET),--budget $(BUDGET)) --results $(or $(RESULTS),$(KERNEL_BUILD)/results/kselftest) $(TESTS)

# Resumable: a collection already run (its summary in
# $(BUILD)/kselftest-coverage/KERNEL/) is not run again.
kselftest-coverage: $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/vmlinuz $(BUILD)/vmlinuz-generic \
		$(BUILD)/modules-generic
	@scripts/deps $(DEPS_KSELFTEST) $(DEPS_RUN)
	BUILD=$(BUILD) qemu/kselftest/kselftest-coverage --jobs $(JOBS)
