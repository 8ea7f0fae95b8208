# Other architectures: `make ARCH=aarch64`, `make ARCH=armhf` or `make
# ARCH=riscv64` builds the init for it with musl and packs its image, `make
# kernel ARCH=...` fetches Debian's kernel for it, `make run ARCH=...` boots
# it under QEMU (TCG). Everything of one architecture lives in
# $(BUILD)/ARCH/; mkrootfs, a host program, stays $(BUILD)/mkrootfs. The
# kernel's own spellings work too: ARCH=arm64, ARCH=arm, ARCH=riscv, ARCH=x86.
ARCH ?= x86_64
override ARCH := $(patsubst amd64,x86_64,$(patsubst x86,x86_64,$(patsubst arm64,aarch64,$(patsubst \
	arm,armhf,$(patsubst riscv,riscv64,$(ARCH))))))
ARCHES := aarch64 armhf riscv64
ifeq ($(filter x86_64 $(ARCHES),$(ARCH)),)
$(error ARCH=$(ARCH): minroot builds for x86_64, aarch64, armhf and riscv64)
endif

# The Debian release whose packages are used: DEBIAN=12 (bookworm, the
# default) or DEBIAN=13 (trixie; DEBIAN=bookworm and trixie work too). It
# chooses the kernels (make kernel, kernel-generic, kernel-src, run,
# kselftest: Debian 13's 6.12 ones with DEBIAN=13) and riscv64's every
# package: riscv64 is a Debian architecture from 13 on, so 13 is its default
# and its only release. The init and the image do not depend on it. Scripts
# take it from the environment (DEBIAN=13 qemu/kernel/build-kernel);
# qemu/kernel/kernel-source.sh gives any target the release's source tree.
DEBIAN ?= $(if $(filter riscv64,$(ARCH)),13,12)
override DEBIAN := $(patsubst bookworm,12,$(patsubst trixie,13,$(DEBIAN)))
DEBIAN_RELEASES  := 12 13
DEBIAN_ARCHES_12 := x86_64 aarch64 armhf
DEBIAN_ARCHES_13 := x86_64 riscv64
ifeq ($(filter $(DEBIAN_RELEASES),$(DEBIAN)),)
$(error DEBIAN=$(DEBIAN): unknown Debian release (known: 12 for bookworm, 13 for trixie))
endif
ifeq ($(filter $(DEBIAN_ARCHES_$(DEBIAN)),$(ARCH)),)
$(error ARCH=$(ARCH) DEBIAN=$(DEBIAN): minroot takes Debian 12's packages for $(DEBIAN_ARCHES_12), Debian 13's for $(DEBIAN_ARCHES_13))
endif

# Per architecture: the musl cross compiler (a wrapper shipped by Debian's
# musl-dev for that architecture: the cross gcc with musl's specs), the
# Debian kernel package, what run-qemu needs besides, and the Debian
# packages. busybox-static of the architecture is fetched by mkrootfs, which
# lists its applets under QEMU's user mode.
MUSLCC_aarch64 := aarch64-linux-musl-gcc
MUSLCC_armhf   := arm-linux-musleabihf-gcc
# Debian 12 has no musl-dev:riscv64: Debian 13's is unpacked into the cache
# (never installed) and this wrapper runs Debian 12's cross gcc with its
# specs (see scripts/musl-cross).
MUSLCC_riscv64 := $(BUILD)/riscv64/riscv64-linux-musl-gcc
# aarch64's fixed 4-byte instructions make the init about 10% larger than
# x86-64's: the tiny code model (one instruction, not two, for an address),
# no frame pointer and link-time optimisation bring it under 40 KiB.
INIT_ARCH_CFLAGS_aarch64 := -mcmodel=tiny -fomit-frame-pointer -flto
KERNEL_PACKAGE_aarch64 := linux-image-cloud-arm64:arm64
KERNEL_PACKAGE_armhf   := linux-image-armmp:armhf
KERNEL_PACKAGE_riscv64 := linux-image-riscv64:riscv64
# Their modules, for --modules (depmod'ed, in the cache, linked here). armmp
# and riscv64 have ext4 and the disk drivers as modules: a stage-1 initramfs
# loads them.
KERNEL_MODULES_aarch64 := $(BUILD)/aarch64/modules
KERNEL_MODULES_armhf   := $(BUILD)/armhf/modules
KERNEL_MODULES_riscv64 := $(BUILD)/riscv64/modules
RUN_ARCH_FLAGS_armhf   := --modules $(BUILD)/armhf/modules
RUN_ARCH_FLAGS_riscv64 := --modules $(BUILD)/riscv64/modules
DEPS_ARCH_aarch64 := gcc-aarch64-linux-gnu musl-dev:arm64 qemu-user-static
DEPS_ARCH_armhf   := gcc-arm-linux-gnueabihf musl-dev:armhf qemu-user-static
DEPS_ARCH_riscv64 := gcc-riscv64-linux-gnu qemu-user-static debian-archive-keyring
# qemu-system-misc has qemu-system-riscv64; OpenSBI, its firmware, comes
# with it (qemu-system-data).
DEPS_RUN_ARCH     := qemu-system-arm qemu-system-misc

# Where the architecture chosen with ARCH keeps its files, and where its
# kernels of DEBIAN are: x86-64's Debian 13 ones in $(BUILD)/debian13 (beside
# Debian 12's in $(BUILD)), every other architecture's (of one release
# each) in $(BUILD)/ARCH.
ARCH_BUILD := $(if $(filter x86_64,$(ARCH)),$(BUILD),$(BUILD)/$(ARCH))
KERNEL_BUILD := $(if $(filter x86_64-12,$(ARCH)-$(DEBIAN)),$(BUILD),$(if \
	$(filter x86_64,$(ARCH)),$(BUILD)/debian$(DEBIAN),$(ARCH_BUILD)))

.PHONY: $(ARCHES:%=arch-deps-%)
$(ARCHES:%=arch-deps-%): arch-deps-%:
	@scripts/deps $(DEPS_ARCH_$*)

$(ARCHES:%=$(BUILD)/%/init): $(BUILD)/%/init: $(INIT_SRCS) $(INIT_HDRS) config.mk arch.mk | arch-deps-%
	@mkdir -p $(@D)
	$(call init_link,$(MUSLCC_$*),$(INIT_ARCH_CFLAGS_$*))

$(BUILD)/riscv64/riscv64-linux-musl-gcc: scripts/musl-cross | arch-deps-riscv64
	scripts/musl-cross riscv64 $@
$(BUILD)/riscv64/init: $(MUSLCC_riscv64)

# Atomic: a failed pack leaves the old image.
$(ARCHES:%=$(BUILD)/%/rootfs.img): $(BUILD)/%/rootfs.img: $(BUILD)/%/init $(BUILD)/mkrootfs \
		$(BUILD)/debian-package | arch-deps-%
	$(BUILD)/mkrootfs --init $< -o $@

# A pattern rule: its two targets are made by one run. (x86-64's Debian 13
# kernels, $(BUILD)/debian13/vmlinuz, have a rule of their own in
# qemu/kernel/kernel.mk: the rule with the shorter stem wins.)
KERNEL_RELEASE_aarch64 := 12
KERNEL_RELEASE_armhf   := 12
KERNEL_RELEASE_riscv64 := 13
$(BUILD)/%/vmlinuz $(BUILD)/%/modules:
	qemu/kernel/fetch-kernel -r $(KERNEL_RELEASE_$*) -p $(KERNEL_PACKAGE_$*) -m $(BUILD)/$*/modules $(BUILD)/$*/vmlinuz

ifneq ($(ARCH),x86_64)
all: $(ARCH_BUILD)/init $(ARCH_BUILD)/rootfs.img
endif

# make bench: a row per architecture (bench/arches.py) beside x86-64's.
.PHONY: arch-bench-deps
bench: arch-bench-deps $(BUILD)/rootfs.img $(ARCHES:%=$(BUILD)/%/rootfs.img) \
	$(ARCHES:%=$(BUILD)/%/vmlinuz) $(BUILD)/armhf/modules $(BUILD)/riscv64/modules
arch-bench-deps:
	@scripts/deps $(DEPS_RUN_ARCH)
