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
# build.sh runs qemu/kernel/build-kernel again (8 minutes once on a busy
# machine): a kernel build, with every CPU, runs alone.
SUITE_TIMEOUTS += tests/kernel/build.sh=2400
SUITE_WEIGHTS  += tests/kernel/build.sh=all
# Debian 13's packages without touching the machine's apt, its kernel's
# second fetch, make kunit DEBIAN=13's configuration (linux-source-6.12's
# kunitconfigs read from its .deb: 150 MB downloaded into the cache once,
# then under a minute), bad releases (no VM, no kernel build).
SUITES_kernel += tests/kernel/debian-release.sh
TEST_DEPS += $(BUILD)/debian13/vmlinuz
