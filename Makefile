# minroot: from "I just built a kernel" to a shell prompt inside it.
# Each part has its own fragment (init/init.mk, packer/packer.mk, ...);
# settings live in config.mk.
include config.mk

.DELETE_ON_ERROR:
.PHONY: all install uninstall test run bench soak fuzz clean deps

all:

# Fragments append to these: suites for tests/run (fast ones first), and what
# must be built before the suites run.
TEST_SUITES :=
TEST_DEPS   :=

include tests/runner/runner.mk
include init/init.mk
include packer/packer.mk
include arch.mk
include qemu/qemu.mk
include qemu/kernel/kernel.mk
include qemu/kselftest/kselftest.mk
include qemu/kunit/kunit.mk
include tests/kunit/kunit.mk
include tests/kmod/kmod.mk
include bench/bench.mk
include tests/demo/demo.mk
include docs/docs.mk

# After every fragment's own: $(LIBEXECDIR) is minroot's alone.
uninstall:
	rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null || true

deps:
	scripts/deps $(DEPS_INIT) $(DEPS_PACKER) $(DEPS_RUN) $(DEPS_TEST)

test: deps all $(TEST_DEPS)
	BUILD=$(BUILD) tests/run $(TEST_SUITES)

clean:
	rm -rf $(BUILD)
