# Benchmarks, the reliability suite and fuzzing.
#
#   make bench    boot, pack, size and memory against the blog recipe and busybox
#                 init, side by side; prints the tables, writes $(BUILD)/bench/results.md
#   make soak     the reliability suites with the full counts (50 boots, 10,000 orphans)
#   make fuzz     each libFuzzer target for FUZZ_SECONDS (default 60)
#
# `make test` runs the short forms: 5 boots, 1,000 orphans, 10 s per fuzz target.
.PHONY: bench bench-deps soak fuzz fuzz-deps

BENCH_RUNS   ?= 5
FUZZ_SECONDS ?= 60
DEPS_BENCH = genext2fs e2fsprogs util-linux qemu-system-x86 busybox-static python3-pexpect file
DEPS_FUZZ  = clang libclang-rt-14-dev

# The limit image's /sbin/init, built like the init: small and static.
$(BUILD)/bench/limit-init: bench/limit-init.c config.mk
	@scripts/deps $(DEPS_INIT)
	@mkdir -p $(@D)
	$(MUSLCC) $(INIT_CFLAGS) $(INIT_LDFLAGS) -o $@ bench/limit-init.c

bench-deps:
	@scripts/deps $(DEPS_BENCH)

# Listed in order: with make -j, bench-deps may still run alongside the builds.
# The KUnit row needs make kunit's kernel and kunit.py's build of the same
# source (both cached: a long build the first time only).
bench: bench-deps $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/vmlinuz $(BUILD)/bench/limit-init \
		$(BUILD)/vmlinuz-generic $(BUILD)/modules-generic kunit-kernels
	bench/bench.py --build $(BUILD) --runs $(BENCH_RUNS)

# Fuzz targets: the pure parsers linked directly, with libFuzzer, ASan and UBSan.
FUZZ_CC     ?= clang
FUZZ_CFLAGS ?= -std=c11 -Wall -Wextra $(WERROR) -g -O1 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/fuzz_,cmdline size add options inittab moddep newc)
FUZZ_INIT_SRCS   := init/options.c init/format.c
FUZZ_PACKER_SRCS := packer/options.c packer/parse.c packer/util.c

fuzz-deps:
	@scripts/deps $(DEPS_FUZZ)

$(BUILD)/fuzz/fuzz_cmdline: tests/fuzz/fuzz_cmdline.c tests/fuzz/fuzz.h $(FUZZ_INIT_SRCS) \
		init/options.h init/format.h | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iinit -o $@ tests/fuzz/fuzz_cmdline.c $(FUZZ_INIT_SRCS)

$(BUILD)/fuzz/fuzz_moddep: tests/fuzz/fuzz_moddep.c tests/fuzz/fuzz.h init/moddep.c init/moddep.h \
		| fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iinit -o $@ tests/fuzz/fuzz_moddep.c init/moddep.c

$(BUILD)/fuzz/fuzz_inittab: tests/fuzz/fuzz_inittab.c tests/fuzz/fuzz.h init/inittab.c init/inittab.h \
		| fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iinit -o $@ tests/fuzz/fuzz_inittab.c init/inittab.c

$(addprefix $(BUILD)/fuzz/fuzz_,size add options): $(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c \
		tests/fuzz/fuzz.h $(FUZZ_PACKER_SRCS) packer/options.h packer/parse.h packer/util.h \
		| fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ipacker -o $@ $< $(FUZZ_PACKER_SRCS)

# --update of an initramfs: the archive parser and writer, with zlib.
FUZZ_NEWC_SRCS := packer/cpio_update.c packer/cpio.c packer/newc.c packer/output.c \
	packer/manifest.c packer/parse.c packer/util.c
$(BUILD)/fuzz/fuzz_newc: tests/fuzz/fuzz_newc.c tests/fuzz/fuzz.h $(FUZZ_NEWC_SRCS) \
		$(wildcard packer/*.h) | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -D_FILE_OFFSET_BITS=64 -Ipacker -o $@ $< $(FUZZ_NEWC_SRCS) -lz

fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD=$(BUILD) tests/run tests/fuzz/fuzz.sh

# Reliability: fast suites first, then those that boot the kernel.
RELIABILITY_SUITES := tests/reliability/orphans-ns.sh tests/reliability/mkrootfs-input.sh \
	tests/reliability/faults.py tests/reliability/orphans-guest.py \
	tests/reliability/data-safety.py
RELIABILITY_DEPS := $(BUILD)/init $(BUILD)/mkrootfs $(BUILD)/rootfs.img $(BUILD)/vmlinuz

soak: deps $(RELIABILITY_DEPS)
	SOAK=1 BUILD=$(BUILD) tests/run $(RELIABILITY_SUITES)

TEST_SUITES += tests/fuzz/fuzz.sh $(RELIABILITY_SUITES)
TEST_DEPS   += $(FUZZ_BINS) $(RELIABILITY_DEPS)
