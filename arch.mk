# Other architectures: `make ARCH=aarch64` or `make ARCH=armhf` builds the
# init for it with musl and packs its image, `make kernel ARCH=...` fetches
# Debian's kernel for it, `make run ARCH=...` boots it under QEMU (TCG).
# Everything of one architecture lives in $(BUILD)/ARCH/; mkrootfs, a host
# program, stays $(BUILD)/mkrootfs. The kernel's own spellings work too:
# ARCH=arm64, ARCH=arm, ARCH=x86.
ARCH ?= x86_64
override ARCH := $(patsubst amd64,x86_64,$(patsubst x86,x86_64,$(patsubst arm64,aarch64,$(patsubst arm,armhf,$(ARCH)))))
ARCHES := aarch64 armhf
ifeq ($(filter x86_64 $(ARCHES),$(ARCH)),)
$(error ARCH=$(ARCH): minroot builds for x86_64, aarch64 and armhf)
endif

# Per architecture: the musl cross compiler (a wrapper shipped by Debian's
# musl-dev for that architecture: the cross gcc with musl's specs), the
# Debian kernel package, what run-qemu needs besides, and the Debian
# packages. busybox-static of the architecture is fetched by mkrootfs, which
# lists its applets under QEMU's user mode.
MUSLCC_aarch64 := aarch64-linux-musl-gcc
MUSLCC_armhf   := arm-linux-musleabihf-gcc
# aarch64's fixed 4-byte instructions make the init about 10% larger than
# x86-64's: the tiny code model (one instruction, not two, for an address),
# no frame pointer and link-time optimisation bring it under 40 KiB.
INIT_ARCH_CFLAGS_aarch64 := -mcmodel=tiny -fomit-frame-pointer -flto
KERNEL_PACKAGE_aarch64 := linux-image-cloud-arm64:arm64
KERNEL_PACKAGE_armhf   := linux-image-armmp:armhf
# Their modules, for --modules (depmod'ed, in the cache, linked here). armmp
# has ext4 and the disk drivers as modules: a stage-1 initramfs loads them.
KERNEL_MODULES_aarch64 := $(BUILD)/aarch64/modules
KERNEL_MODULES_armhf   := $(BUILD)/armhf/modules
RUN_ARCH_FLAGS_armhf   := --modules $(BUILD)/armhf/modules
DEPS_ARCH_aarch64 := gcc-aarch64-linux-gnu musl-dev:arm64 qemu-user-static
DEPS_ARCH_armhf   := gcc-arm-linux-gnueabihf musl-dev:armhf qemu-user-static
DEPS_RUN_ARCH     := qemu-system-arm

# Where the architecture chosen with ARCH keeps its files.
ARCH_BUILD := $(if $(filter x86_64,$(ARCH)),$(BUILD),$(BUILD)/$(ARCH))

.PHONY: $(ARCHES:%=arch-deps-%)
$(ARCHES:%=arch-deps-%): arch-deps-%:
	@scripts/deps $(DEPS_ARCH_$*)

$(ARCHES:%=$(BUILD)/%/init): $(BUILD)/%/init: $(INIT_SRCS) $(INIT_HDRS) config.mk arch.mk | arch-deps-%
	@mkdir -p $(@D)
	$(call init_link,$(MUSLCC_$*),$(INIT_ARCH_CFLAGS_$*))

# Atomic: a failed pack leaves the old image.
$(ARCHES:%=$(BUILD)/%/rootfs.img): $(BUILD)/%/rootfs.img: $(BUILD)/%/init $(BUILD)/mkrootfs | arch-deps-%
	$(BUILD)/mkrootfs --init $< -o $@

# A pattern rule: its two targets are made by one run.
$(BUILD)/%/vmlinuz $(BUILD)/%/modules:
	qemu/kernel/fetch-kernel -p $(KERNEL_PACKAGE_$*) -m $(BUILD)/$*/modules $(BUILD)/$*/vmlinuz

ifneq ($(ARCH),x86_64)
all: $(ARCH_BUILD)/init $(ARCH_BUILD)/rootfs.img
endif

# make bench: a row per architecture (bench/arches.py) beside x86-64's.
.PHONY: arch-bench-deps
bench: arch-bench-deps $(BUILD)/rootfs.img $(ARCHES:%=$(BUILD)/%/rootfs.img) \
	$(ARCHES:%=$(BUILD)/%/vmlinuz) $(BUILD)/armhf/modules
arch-bench-deps:
	@scripts/deps $(DEPS_RUN_ARCH)
