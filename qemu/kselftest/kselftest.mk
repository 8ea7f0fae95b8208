# The kernel's own selftests (see qemu/kselftest/kselftest and qemu/kselftest/build-kselftest):
#   make kselftest                          the default set on $(KERNEL)
#   make kselftest TESTS='timers exec'      whole collections
#   make kselftest TESTS=timers:nanosleep KERNEL=/path/bzImage
#   make kselftest RESULTS=DIR              junit.xml, results.json, results.ktap there
.PHONY: kselftest
TESTS ?=
RESULTS ?= $(BUILD)/results/kselftest

DEPS_KSELFTEST = linux-source-6.1 make gcc libc6-dev rsync xz-utils python3

kselftest: $(BUILD)/rootfs.img $(BUILD)/mkrootfs $(RUN_KERNEL_DEP)
	@scripts/deps $(DEPS_KSELFTEST) $(DEPS_RUN)
	BUILD=$(BUILD) qemu/kselftest/kselftest --kernel $(KERNEL) --results $(RESULTS) $(TESTS)
