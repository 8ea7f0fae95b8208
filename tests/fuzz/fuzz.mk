# tests/fuzz/fuzz.mk - the libFuzzer targets, tests/fuzz/fuzz_TARGET.c: the
# pure parsers linked directly, with libFuzzer, ASan and UBSan. Included by
# the top Makefile.
#
#   make fuzz     each target for FUZZ_SECONDS (default 60), after replaying
#                 its seeds and regression inputs (tests/fuzz/fuzz.sh)
#
# `make test` runs the short form: 10 s per target.
.PHONY: fuzz fuzz-deps

FUZZ_SECONDS ?= 60
DEPS_FUZZ  = clang libclang-rt-14-dev
FUZZ_CC     ?= clang
FUZZ_CFLAGS ?= -std=c11 -Wall -Wextra $(WERROR) -g -O1 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# One per source: tests/fuzz/fuzz.sh replays and fuzzes every one of them.
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
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

# The suite's time limit grows with the fuzzing time it is given: a minute
# a target for replaying and reporting, and ten more minutes.
fuzz_limit = $(shell echo $$(( $(words $(FUZZ_BINS)) * ($(1) + 60) + 600 )))

fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) SUITE_TIMEOUTS='tests/fuzz/fuzz.sh=$(call fuzz_limit,$(FUZZ_SECONDS))' \
		BUILD=$(BUILD) tests/run tests/fuzz/fuzz.sh

SUITES_fuzz += tests/fuzz/fuzz.sh
TEST_DEPS   += $(FUZZ_BINS)

