# make kunit's end-to-end suite: builds (cached) and runs the KUnit kernels,
# compares with kunit.py's counts (its build cached too), the modules, a
# failing document, bad input. From nothing: three kernel builds.
TEST_SUITES += tests/kunit/run.sh
TEST_DEPS   += $(BUILD)/vmlinuz $(BUILD)/rootfs.img $(BUILD)/mkrootfs
