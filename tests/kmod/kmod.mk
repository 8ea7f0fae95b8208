# A test module that makes the kernel warn, oops or panic on demand (see
# tests/kmod/splat.c), built against the headers of the default kernel.
$(BUILD)/splat.ko: tests/kmod/splat.c tests/kmod/Kbuild tests/kmod/build-splat $(BUILD)/vmlinuz
	tests/kmod/build-splat $(BUILD)/vmlinuz $@

TEST_DEPS += $(BUILD)/splat.ko
SUITES_kmod += tests/kmod/build.sh
