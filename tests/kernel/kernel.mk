# tests/kernel/kernel.mk - the kernels built from source (make kernel-src,
# kernel-src-mod in qemu/kernel/kernel.mk): their build and configuration,
# the blog's QEMU line, each disk, initramfs boots, gdb, and stage 1 with the
# root's drivers as modules. Included by the top Makefile.
SUITES_init += tests/kernel/stage1-mod.py
# Fast checks first; the configuration checks (about a minute) last.
SUITES_kernel += tests/kernel/build.sh tests/kernel/blog-line.py tests/kernel/disks.py \
	tests/kernel/initramfs.py tests/kernel/modular.sh tests/kernel/gdb.py tests/kernel/config.sh
TEST_DEPS += $(BUILD)/bzImage-min $(BUILD)/vmlinux-min $(BUILD)/bzImage-mod $(BUILD)/modules-mod \
	$(BUILD)/rootfs.img $(BUILD)/mkrootfs $(BUILD)/init $(BUILD)/vmlinuz
DEPS_TEST += $(DEPS_KERNEL_SRC) gdb
# build.sh runs qemu/kernel/build-kernel again (8 minutes once on a busy machine).
SUITE_TIMEOUTS += tests/kernel/build.sh=2400
