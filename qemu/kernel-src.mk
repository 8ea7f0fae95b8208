# A minimal kernel from source: `make kernel-src` builds $(BUILD)/bzImage-min
# from Debian's linux-source-6.1, or from KSRC=/path/to/linux, with
# tinyconfig + qemu/minimal.config (see qemu/build-kernel). The build happens
# in a cache outside the tree, so running it again is cheap: the script
# always runs and decides itself whether anything needs building.
.PHONY: kernel-src FORCE-kernel-src
KSRC ?=

# What the kernel build needs (qemu/build-kernel also installs these itself
# through scripts/deps when run alone).
DEPS_KERNEL_SRC = linux-source-6.1 make gcc bc bison flex libelf-dev libssl-dev xz-utils perl
DEPS_TEST += $(DEPS_KERNEL_SRC)

kernel-src: $(BUILD)/bzImage-min

$(BUILD)/bzImage-min: FORCE-kernel-src
	KSRC='$(KSRC)' qemu/build-kernel -o $@

FORCE-kernel-src:

# Fast checks first; the configuration checks (about a minute) last.
TEST_SUITES += tests/kernel/build.sh tests/kernel/blog-line.py tests/kernel/disks.py \
	tests/kernel/initramfs.py tests/kernel/config.sh
TEST_DEPS   += $(BUILD)/bzImage-min
