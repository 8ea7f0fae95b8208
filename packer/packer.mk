# packer/packer.mk - build/mkrootfs (the image packer), its unit tests and
# suites. Included by the top Makefile; settings come from config.mk.

# Folders along library seams: ext/ is everything on libext2fs (and the
# pure parts whose only job is an ext image), elf/ the ELF checks and
# --add-program's closure (libelf); the rest of the program is in packer/.
PACKER_DIRS := packer packer/ext packer/elf
PACKER_SRCS := $(foreach d,$(PACKER_DIRS),$(wildcard $(d)/*.c))
PACKER_HDRS := $(foreach d,$(PACKER_DIRS),$(wildcard $(d)/*.h))
PACKER_OBJS := $(PACKER_SRCS:packer/%.c=$(BUILD)/packer/%.o)
# The pure parts (no system calls, no libext2fs, but the threads of
# hash_queue), linked into the unit tests.
PACKER_PURE := util parse manifest sha256 hash hash_queue ext/digest elf/elfinfo ext/ext_plan \
	options newc arch
PACKER_UNIT := $(BUILD)/packer_test
PACKER_UNIT_OBJS := $(PACKER_PURE:%=$(BUILD)/packer/%.o) $(BUILD)/tests/packer_test.o

# Every include of a packer header names it from packer/: "util.h",
# "ext/ext_write.h", "elf/deps.h".
PACKER_CPPFLAGS := -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Ipacker \
	-DMINROOT_VERSION='"$(VERSION)"' -DMINROOT_LIBEXECDIR='"$(LIBEXECDIR)"'
# Shell substitutions, so pkg-config runs inside the recipes: after
# packer-deps has installed it (and libext2fs-dev) on a fresh machine.
# libext2fs's headers are system headers: -isystem keeps -Wextra to our code.
PACKER_EXT_CFLAGS = $$($(PKG_CONFIG) --cflags ext2fs com_err | sed 's/-I/-isystem /g')
# libcrypto's archive: only its SHA-256 is linked (see packer/sha256.c),
# a few KiB instead of a 4 MiB library to load and relocate at each run.
PACKER_CRYPTO = -l:libcrypto.a
PACKER_LIBS = $$($(PKG_CONFIG) --libs ext2fs com_err) -lz -llzma -lzstd $(PACKER_CRYPTO) -pthread

all: $(BUILD)/mkrootfs

TEST_SUITES += tests/packer/unit.sh tests/packer/image.sh tests/packer/repro.sh \
	tests/packer/cpio.sh tests/packer/update.sh tests/packer/badinput.sh \
	tests/packer/modules.sh tests/packer/links.sh tests/packer/cpio-update.sh tests/packer/addlist.sh
# An initramfs made by GNU cpio, booted before and after --update.
TEST_SUITES += tests/qemu/initramfs-update.py
TEST_DEPS += $(BUILD)/mkrootfs $(BUILD)/init $(PACKER_UNIT) $(PACKER_UNIT).san
# --modules and -t initrd are checked on Debian's standard kernel's modules
# (make kernel-generic, in qemu/qemu.mk).
TEST_DEPS += $(BUILD)/modules-generic

.PHONY: packer-deps packer-san-deps packer-flags install-packer uninstall-packer
install: install-packer
uninstall: uninstall-packer

packer-deps:
	@scripts/deps $(DEPS_PACKER)

packer-san-deps:
	@scripts/deps clang libclang-rt-14-dev

# Rewritten only when the flags change (e.g. another LIBEXECDIR), so the
# objects that bake them in are rebuilt then and only then.
PACKER_FLAGS_TEXT = $(subst ','\'',$(CC) $(CFLAGS) $(PACKER_CPPFLAGS))
$(BUILD)/packer/flags: packer-flags
	@mkdir -p $(@D)
	@echo '$(PACKER_FLAGS_TEXT)' | cmp -s - $@ || echo '$(PACKER_FLAGS_TEXT)' > $@

$(BUILD)/packer/%.o: packer/%.c $(BUILD)/packer/flags | packer-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PACKER_CPPFLAGS) $(PACKER_EXT_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/packer_test.o: tests/unit/packer_test.c $(BUILD)/packer/flags | packer-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PACKER_CPPFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/mkrootfs: $(PACKER_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PACKER_OBJS) $(PACKER_LIBS)

$(PACKER_UNIT): $(PACKER_UNIT_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PACKER_UNIT_OBJS) $(PACKER_CRYPTO) -pthread

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
$(PACKER_UNIT).san: tests/unit/packer_test.c $(PACKER_PURE:%=packer/%.c) $(PACKER_HDRS) \
		$(BUILD)/packer/flags | packer-san-deps
	@mkdir -p $(@D)
	clang -std=c11 -Wall -Wextra $(WERROR) -g -O1 -fsanitize=address,undefined \
		-fno-sanitize-recover=all $(PACKER_CPPFLAGS) -o $@ \
		tests/unit/packer_test.c $(PACKER_PURE:%=packer/%.c) $(PACKER_CRYPTO) -pthread

install-packer: $(BUILD)/mkrootfs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/mkrootfs $(DESTDIR)$(BINDIR)/mkrootfs
	install -m 0644 packer/mkrootfs.1 $(DESTDIR)$(MANDIR)/man1/mkrootfs.1

uninstall-packer:
	rm -f $(DESTDIR)$(BINDIR)/mkrootfs $(DESTDIR)$(MANDIR)/man1/mkrootfs.1

# --add-program reads programs' dynamic sections with elfutils' libelf;
# tests/qemu/program.sh runs one in a guest (the kernel of qemu/qemu.mk).
DEPS_PACKER += libelf-dev
PACKER_LIBS += $$($(PKG_CONFIG) --libs libelf)
TEST_SUITES += tests/packer/program.sh tests/packer/copyout.sh tests/qemu/program.sh

-include $(PACKER_OBJS:.o=.d) $(BUILD)/tests/packer_test.d
