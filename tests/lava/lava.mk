# lava-job's tests: its package with pytest (no QEMU, no LAVA; fast, so
# early), then jobs run by Debian's lava-run against direct runs (a few
# minutes), KUnit's among them on a kernel built with it.
TEST_SUITES += tests/lava/unit.sh tests/lava/run.py
TEST_DEPS   += $(BUILD)/vmlinuz $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/splat.ko $(BUILD)/bzImage-kunit

# minroot's minimal kernel with KUnit's example suite built in (cached by
# qemu/kernel/build-kernel like the others).
$(BUILD)/bzImage-kunit: FORCE-kernel-src tests/lava/kunit.config
	KSRC='$(KSRC)' qemu/kernel/build-kernel -o $@ -f tests/lava/kunit.config
