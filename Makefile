# minroot: from "I just built a kernel" to a shell prompt inside it.
# Each part has its own fragment (init/init.mk, packer/packer.mk, ...) saying
# how it is built and installed; each folder of tests/ has one registering
# its suites; settings live in config.mk.
include config.mk

.DELETE_ON_ERROR:
.PHONY: all install uninstall test list-suites run bench clean deps lint

all:

include init/init.mk
include packer/packer.mk
include arch.mk
include qemu/qemu.mk
include qemu/kernel/kernel.mk
include qemu/kselftest/kselftest.mk
include qemu/lava/lava.mk
include qemu/kunit/kunit.mk
include bench/bench.mk

# The suites for tests/run. Each folder's .mk appends its suites to a stage,
# SUITES_<stage>, and to TEST_DEPS what must be built before they run;
# SUITE_TIMEOUTS takes "SUITE=SECONDS" for a suite that needs more than
# tests/run's default limit, SUITE_WEIGHTS "SUITE=CPUS" for one that keeps
# more than one CPU busy ("SUITE=all": it runs alone). make test runs the
# stages in this order, the fast ones first; within a stage, the folders in
# the order included here. TEST_JOBS=N: up to N CPUs' worth of suites at
# once (default: the CPU count; 1: one after the other).
TEST_STAGES := tests init packer programs arch run-qemu kernel kselftest kunit kmod lava fuzz reliability \
	demo ci docs
TEST_DEPS :=
SUITE_TIMEOUTS :=
SUITE_WEIGHTS :=
TEST_JOBS ?= $(shell nproc)

include tests/runner/runner.mk
include tests/unit/unit.mk
include tests/ns/ns.mk
include tests/packer/packer.mk
include tests/qemu/qemu.mk
include tests/kernel/kernel.mk
include tests/kselftest/kselftest.mk
include tests/kunit/kunit.mk
include tests/kmod/kmod.mk
include tests/lava/lava.mk
include tests/fuzz/fuzz.mk
include tests/reliability/reliability.mk
include tests/demo/demo.mk
include tests/ci/ci.mk
include tests/docs/docs.mk

TEST_SUITES = $(foreach s,$(TEST_STAGES),$(SUITES_$(s)))

# After every fragment's own: $(LIBEXECDIR) is minroot's alone.
uninstall:
	rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null || true

deps:
	@scripts/deps $(DEPS_INIT) $(DEPS_PACKER) $(DEPS_RUN) $(DEPS_TEST) $(DEPS_LINT)

# shellcheck over every shell script in git, pyflakes3 over every Python one.
DEPS_LINT = shellcheck pyflakes3
lint:
	@scripts/deps $(DEPS_LINT)
	@scripts/lint

# The init's size limit reaches the suites that check it from here only.
test: deps all $(TEST_DEPS)
	INIT_MAX_BYTES=$(INIT_MAX_BYTES) SUITE_TIMEOUTS='$(SUITE_TIMEOUTS)' \
		SUITE_WEIGHTS='$(SUITE_WEIGHTS)' TEST_JOBS=$(TEST_JOBS) BUILD=$(BUILD) tests/run $(TEST_SUITES)

list-suites:
	@printf '%s\n' $(TEST_SUITES)

clean:
	rm -rf $(BUILD)
