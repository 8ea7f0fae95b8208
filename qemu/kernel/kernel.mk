# Kernels: Debian's, fetched with no compilation (make kernel, make
# kernel-generic), and a minimal one built from source (make kernel-src).
.PHONY: kernel kernel-generic

kernel: $(ARCH_BUILD)/vmlinuz $(KERNEL_MODULES_$(ARCH))

# Cached outside the tree (see qemu/kernel/fetch-kernel): a second fetch downloads nothing.
$(BUILD)/vmlinuz:
	qemu/kernel/fetch-kernel $@

# Debian's standard kernel, the second default kernel of the tests: ext4 and
# the disk drivers are modules there, so it boots only with its modules
# (depmod'ed in the cache, hard-linked into build/ when they share a file
# system; see qemu/kernel/install-modules).
kernel-generic: $(BUILD)/vmlinuz-generic $(BUILD)/modules-generic

$(BUILD)/vmlinuz-generic $(BUILD)/modules-generic &:
	qemu/kernel/fetch-kernel -p linux-image-amd64 -m $(BUILD)/modules-generic $(BUILD)/vmlinuz-generic


# A minimal kernel from source: `make kernel-src` builds $(BUILD)/bzImage-min
# from Debian's linux-source-6.1, or from KSRC=/path/to/linux, with
# tinyconfig + qemu/kernel/minimal.config (see qemu/kernel/build-kernel), and keeps its
# vmlinux (symbols for gdb) as $(BUILD)/vmlinux-min. `make kernel-src-mod`
# builds the same kernel with the root's drivers as modules
# (qemu/kernel/modules.config): $(BUILD)/bzImage-mod and its modules in
# $(BUILD)/modules-mod/lib/modules/VERSION. The builds happen in a cache
# outside the tree, so running them again is cheap: the script always runs
# and decides itself whether anything needs building.
.PHONY: kernel-src kernel-src-mod FORCE-kernel-src
KSRC ?=

# What the kernel build needs (qemu/kernel/build-kernel also installs these itself
# through scripts/deps when run alone).
DEPS_KERNEL_SRC = linux-source-6.1 make gcc bc bison flex libelf-dev libssl-dev xz-utils perl kmod

kernel-src: $(BUILD)/bzImage-min $(BUILD)/vmlinux-min
kernel-src-mod: $(BUILD)/bzImage-mod $(BUILD)/modules-mod

$(BUILD)/bzImage-min: FORCE-kernel-src
	KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -k $(BUILD)/vmlinux-min

# Written by the same run of qemu/kernel/build-kernel.
$(BUILD)/vmlinux-min: $(BUILD)/bzImage-min ;

$(BUILD)/bzImage-mod: FORCE-kernel-src
	KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -f qemu/kernel/modules.config -m $(BUILD)/modules-mod

$(BUILD)/modules-mod: $(BUILD)/bzImage-mod ;

FORCE-kernel-src:
