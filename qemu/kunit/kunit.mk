# The kernel's own unit tests, KUnit (see qemu/kunit/kunit and docs/kunit.md):
#   make kunit                                lib/kunit, fs/ext4, fs/fat on Debian's linux-source-6.1
#   make kunit KUNITCONFIG='fs/ext4 my.kunitconfig'   other kunitconfigs (files or directories)
#   make kunit KERNEL_SRC=~/src/linux         your tree, built out of tree (it stays untouched)
#   make kunit MODULES=1                      the tests as modules, each loaded in the guest
#   make kunit MODULES=1 JOBS=N               ... in up to N guests at once (default: the CPU
#                                             count), their results merged into one guest's
#   make kunit DEBIAN=13                      Debian 13's linux-source-6.12 (downloaded), its
#                                             kernels and results in $(BUILD)/debian13
#   make kunit RESULTS=DIR                    results.ktap, junit.xml, results.json
#                                             (default $(BUILD)/results/kunit)
#   make kunit-py                             kunit.py run --arch=x86_64 on the same source
#                                             and kunitconfigs, its build cached too (DEBIAN=13 too)
# MODULES here is a switch (1); for `make run` it names a modules tree. JOBS
# (qemu/kselftest/kselftest.mk's) counts guests; given on make's command
# line it also reaches build-kernel, whose make -j it sets.
.PHONY: kunit kunit-py
KUNITCONFIG ?=
KERNEL_SRC  ?=
RESULTS     ?=

DEPS_KUNIT = $(DEPS_KERNEL_SRC) binutils python3
DEPS_TEST += $(DEPS_KUNIT)

kunit: $(BUILD)/rootfs.img $(BUILD)/mkrootfs
	@scripts/deps $(DEPS_KUNIT) $(DEPS_RUN)
	DEBIAN=$(DEBIAN) BUILD=$(BUILD) KERNEL_SRC='$(KERNEL_SRC)' RUN_FLAGS='$(RUN_FLAGS)' qemu/kunit/kunit \
		$(if $(filter 1,$(MODULES)),--modules --jobs $(JOBS)) --results $(or $(RESULTS),$(KERNEL_BUILD)/results/kunit) $(KUNITCONFIG)

kunit-py:
	@scripts/deps $(DEPS_KUNIT) qemu-system-x86
	DEBIAN=$(DEBIAN) KERNEL_SRC='$(KERNEL_SRC)' qemu/kunit/kunitpy $(KUNITCONFIG)

# Both kernels make bench's KUnit row boots, built (or taken from the cache), not run.
.PHONY: kunit-kernels
kunit-kernels: $(BUILD)/rootfs.img
	@scripts/deps $(DEPS_KUNIT)
	BUILD=$(BUILD) qemu/kunit/kunit --build-only
	qemu/kunit/kunitpy --print-exec >/dev/null
