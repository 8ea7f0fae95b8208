# packer/packer.mk - build/mkrootfs (the image packer). Included by the top
# Makefile; settings come from config.mk. Its tests: tests/unit/unit.mk and
# tests/packer/packer.mk.

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

.PHONY: packer-deps packer-flags install-packer uninstall-packer
install: install-packer
uninstall: uninstall-packer

packer-deps:
	@scripts/deps $(DEPS_PACKER)

# Rewritten only when the flags change (e.g. another LIBEXECDIR), so the
# objects that bake them in are rebuilt then and only then.
PACKER_FLAGS_TEXT = $(subst ','\'',$(CC) $(CFLAGS) $(PACKER_CPPFLAGS))
$(BUILD)/packer/flags: packer-flags
	@mkdir -p $(@D)
	@echo '$(PACKER_FLAGS_TEXT)' | cmp -s - $@ || echo '$(PACKER_FLAGS_TEXT)' > $@

$(BUILD)/packer/%.o: packer/%.c $(BUILD)/packer/flags | packer-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PACKER_CPPFLAGS) $(PACKER_EXT_CFLAGS) -MMD -MP -c -o $@ $<

PACKER_PURE := util parse manifest sha256 hash hash_queue ext/digest elf/elfinfo ext/ext_plan \
	options newc arch
install-packer: $(BUILD)/mkrootfs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/mkrootfs $(DESTDIR)$(BINDIR)/mkrootfs
	install -m 0644 packer/mkrootfs.1 $(DESTDIR)$(MANDIR)/man1/mkrootfs.1

uninstall-packer:
	rm -f $(DESTDIR)$(BINDIR)/mkrootfs $(DESTDIR)$(MANDIR)/man1/mkrootfs.1

# --add-program reads programs' dynamic sections with elfutils' libelf.
DEPS_PACKER += libelf-dev
PACKER_LIBS += $$($(PKG_CONFIG) --libs libelf)

-include $(PACKER_OBJS:.o=.d)
