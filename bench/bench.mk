# Benchmarks.
#
#   make bench    boot, pack, size and memory against the blog recipe and busybox
#                 init, side by side; prints the tables, writes $(BUILD)/bench/results.md
#
# (make soak and make fuzz, the long forms of two test suites, are in
# tests/reliability/reliability.mk and tests/fuzz/fuzz.mk.)
.PHONY: bench bench-deps

BENCH_RUNS   ?= 5
DEPS_BENCH = genext2fs e2fsprogs util-linux qemu-system-x86 busybox-static python3-pexpect file

# The limit image's /sbin/init, built like the init: small and static.
$(BUILD)/bench/limit-init: bench/limit-init.c config.mk
	@scripts/deps $(DEPS_INIT)
	@mkdir -p $(@D)
	$(MUSLCC) $(INIT_CFLAGS) $(INIT_LDFLAGS) -o $@ bench/limit-init.c

bench-deps:
	@scripts/deps $(DEPS_BENCH)

# Listed in order: with make -j, bench-deps may still run alongside the builds.
bench: bench-deps $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/vmlinuz $(BUILD)/bench/limit-init \
		$(BUILD)/vmlinuz-generic $(BUILD)/modules-generic
	bench/bench.py --build $(BUILD) --runs $(BENCH_RUNS)
