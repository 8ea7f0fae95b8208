# tests/lava/lava.mk - lava-job (qemu/lava/): its package with pytest (no
# QEMU, no LAVA), then jobs run by Debian's lava-run against direct runs (a
# few minutes), KUnit's among them on a kernel built with it.
# Included by the top Makefile.
SUITES_lava += tests/lava/unit.sh tests/lava/run.py
TEST_DEPS   += $(BUILD)/vmlinuz $(BUILD)/rootfs.img $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/splat.ko \
	$(BUILD)/bzImage-kunit
DEPS_TEST   += $(DEPS_LAVA)

# minroot's minimal kernel with KUnit's example suite built in (cached by
# qemu/kernel/build-kernel like the others).
$(BUILD)/bzImage-kunit: FORCE-kernel-src tests/lava/kunit.config
	KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -f tests/lava/kunit.config
