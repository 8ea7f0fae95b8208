# tests/qemu/qemu.mk - end to end through qemu/run-qemu on Debian's kernels
# under TCG (the cloud kernel, the standard one with its modules, and the
# other architectures'). Included by the top Makefile.

# The init's duties on a real kernel; stage 1 on Debian's standard kernel.
SUITES_init += tests/qemu/init-guest.sh tests/qemu/init-env.sh tests/qemu/stage1.py
# An initramfs made by GNU cpio, booted before and after --update.
SUITES_packer += tests/qemu/initramfs-update.py
# A program packed with --add-program, run in a guest.
SUITES_programs += tests/qemu/program.sh
# The other architectures: run-qemu's command lines (no VM), then the three
# booted end to end (about three minutes under TCG).
SUITES_arch += tests/qemu/arch-cmdline.sh tests/qemu/arch.py
# The runner: its command lines first, then boots.
SUITES_run-qemu += tests/qemu/cmdline.sh tests/qemu/command.sh tests/qemu/console.py \
	tests/qemu/images.py tests/qemu/real-images.py tests/qemu/generic.sh \
	tests/qemu/channel.py tests/qemu/share.py tests/qemu/sharelibs.sh tests/qemu/hosttools.sh \
	tests/qemu/verdict.py \
	tests/qemu/modules.py
# make install into a temporary prefix, run-qemu run from elsewhere.
SUITES_run-qemu += tests/qemu/install.sh
# Debian 13's 6.12 kernels, each booted for what only it shows (under a minute).
SUITES_kernel += tests/qemu/debian13.py
TEST_DEPS += $(BUILD)/debian13/vmlinuz $(BUILD)/debian13/vmlinuz-generic $(BUILD)/debian13/modules-generic

TEST_DEPS += $(BUILD)/rootfs.img $(BUILD)/vmlinuz $(BUILD)/mkrootfs $(BUILD)/init \
	$(BUILD)/vmlinuz-generic $(BUILD)/modules-generic \
	$(ARCHES:%=$(BUILD)/%/init) $(ARCHES:%=$(BUILD)/%/rootfs.img) \
	$(ARCHES:%=$(BUILD)/%/vmlinuz) $(ARCHES:%=$(BUILD)/%/modules)
DEPS_TEST += kmod $(DEPS_RUN_ARCH) $(foreach a,$(ARCHES),$(DEPS_ARCH_$(a)))
