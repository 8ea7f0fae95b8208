# Build settings users change live here (and can be overridden on the make command line).
VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
SBINDIR   ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/lib/minroot
MANDIR    ?= $(PREFIX)/share/man
DESTDIR   ?=

BUILD     ?= build
CC        ?= cc
MUSLCC    ?= musl-gcc
PKG_CONFIG ?= pkg-config
WERROR    ?=
CFLAGS    ?= -std=c11 -Wall -Wextra -O2 $(WERROR)
LDFLAGS   ?=
# PID 1 is built small and static on musl.
INIT_CFLAGS  ?= -std=c11 -Wall -Wextra -Os $(WERROR) -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
# common-page-size=64: without it ld may start the data segment on a new
# page to save a page of bss, padding the file with up to 4 KiB of zeros.
INIT_LDFLAGS ?= -static -s -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--build-id=none \
	-Wl,-z,common-page-size=64
# The kernel loads a program by its segments: the section headers (1 KiB)
# are for tools, and PID 1 is stripped already.
STRIP_SECTIONS ?= llvm-objcopy-14 --strip-sections

# Debian packages each part needs; scripts/deps installs the missing ones.
DEPS_INIT   = musl-tools llvm-14
DEPS_PACKER = libext2fs-dev pkg-config e2fsprogs zlib1g-dev liblzma-dev libzstd-dev kmod libssl-dev busybox-static
DEPS_RUN    = qemu-system-x86 busybox-static python3 lz4 zstd
DEPS_TEST   = util-linux e2fsprogs cpio file binutils xz-utils zstd kmod python3-pexpect clang libclang-rt-14-dev mmdebstrap
