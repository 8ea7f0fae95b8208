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
# (qemu/kselftest/kselftest-jobs; docs/kselftest.md, docs/ci.md)
.PHONY: kselftest
TESTS ?=
RESULTS ?= $(KERNEL_BUILD)/results/kselftest
JOBS ?= $(shell nproc)
SHARD ?=
DURATIONS ?=

DEPS_KSELFTEST = linux-source-6.1 make gcc libc6-dev rsync xz-utils python3

kselftest: $(BUILD)/rootfs.img $(BUILD)/mkrootfs $(RUN_KERNEL_DEP)
	@scripts/deps $(DEPS_KSELFTEST) $(DEPS_RUN)
	DEBIAN=$(DEBIAN) BUILD=$(BUILD) qemu/kselftest/kselftest-jobs --jobs $(JOBS) $(if $(SHARD),--shard $(SHARD)) \
		$(if $(DURATIONS),--durations $(DURATIONS)) --kernel $(KERNEL) --results $(RESULTS) $(TESTS)
