# Kernels: Debian's, fetched with no compilation (make kernel, make
# kernel-generic), and a minimal one built from source (make kernel-src).
# DEBIAN=13 (see arch.mk) takes Debian 13's: its 6.12 kernels, in
# $(BUILD)/debian13/ (vmlinuz, vmlinuz-generic and modules-generic,
# bzImage-min and vmlinux-min, kselftest/).
.PHONY: kernel kernel-generic

kernel: $(KERNEL_BUILD)/vmlinuz $(KERNEL_MODULES_$(ARCH))

# Cached outside the tree (see qemu/kernel/fetch-kernel): a second fetch downloads nothing.
$(BUILD)/vmlinuz:
	qemu/kernel/fetch-kernel $@

# Debian's standard kernel, the second default kernel of the tests: ext4 and
# the disk drivers are modules there, so it boots only with its modules
# (depmod'ed in the cache, hard-linked into build/ when they share a file
# system; see qemu/kernel/install-modules).
kernel-generic: $(KERNEL_BUILD)/vmlinuz-generic $(KERNEL_BUILD)/modules-generic

$(BUILD)/vmlinuz-generic $(BUILD)/modules-generic &:
	qemu/kernel/fetch-kernel -p linux-image-amd64 -m $(BUILD)/modules-generic $(BUILD)/vmlinuz-generic

# Debian 13's (6.12): the cloud kernel, and the standard one with its
# modules (.ko.xz under usr/lib/modules in the package; here, as every
# modules tree, DIR/lib/modules/VERSION). Pattern rules: the two targets of
# the second are made by one run.
$(BUILD)/debian%/vmlinuz:
	qemu/kernel/fetch-kernel -r $* $@

$(BUILD)/debian%/vmlinuz-generic $(BUILD)/debian%/modules-generic:
	qemu/kernel/fetch-kernel -r $* -p linux-image-amd64 -m $(BUILD)/debian$*/modules-generic \
		$(BUILD)/debian$*/vmlinuz-generic


# A minimal kernel from source: `make kernel-src` builds $(BUILD)/bzImage-min
# from Debian's linux-source-6.1 (with DEBIAN=13: $(BUILD)/debian13/bzImage-min
# from Debian 13's linux-source-6.12), or from KSRC=/path/to/linux, with
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

kernel-src: $(KERNEL_BUILD)/bzImage-min $(KERNEL_BUILD)/vmlinux-min
kernel-src-mod: $(KERNEL_BUILD)/bzImage-mod $(KERNEL_BUILD)/modules-mod

$(BUILD)/bzImage-min: FORCE-kernel-src
	DEBIAN=12 KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -k $(BUILD)/vmlinux-min

# Written by the same run of qemu/kernel/build-kernel.
$(BUILD)/vmlinux-min: $(BUILD)/bzImage-min ;

$(BUILD)/bzImage-mod: FORCE-kernel-src
	DEBIAN=12 KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -f qemu/kernel/modules.config -m $(BUILD)/modules-mod

$(BUILD)/modules-mod: $(BUILD)/bzImage-mod ;

# The same from another release's source (DEBIAN=13: linux-source-6.12).
$(BUILD)/debian%/bzImage-min: FORCE-kernel-src
	DEBIAN=$* KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -k $(@D)/vmlinux-min
$(BUILD)/debian%/vmlinux-min: $(BUILD)/debian%/bzImage-min ;
$(BUILD)/debian%/bzImage-mod: FORCE-kernel-src
	DEBIAN=$* KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -f qemu/kernel/modules.config -m $(@D)/modules-mod
$(BUILD)/debian%/modules-mod: $(BUILD)/debian%/bzImage-mod ;

FORCE-kernel-src:
