# tests/kunit/kunit.mk - make kunit (qemu/kunit/): the KUnit kernels built
# (cached) and run, built in and as modules, their counts against
# kunit.py's (its build cached too), one module by hand, a failing
# document and where 121 stands, bad input; make soak adds KERNEL_SRC on a
# tree of its own. Included by the top Makefile.
SUITES_kunit += tests/kunit/run.sh
TEST_DEPS += $(BUILD)/vmlinuz $(BUILD)/rootfs.img $(BUILD)/mkrootfs
# From nothing the suite builds three kernels (make kunit's, MODULES=1's,
# kunit.py's): about 15 minutes on 2 quiet cores, an hour or more on a
# busy shared machine. Once cached, about 4 minutes.
SUITE_TIMEOUTS += tests/kunit/run.sh=5400

# Two more kernel builds (the tree's own, out of tree, and kunit.py's in it).
SOAK_SUITES += tests/kunit/tree.sh
SOAK_TIMEOUTS += tests/kunit/tree.sh=5400
