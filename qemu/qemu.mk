# Booting: the default kernel (Debian's cloud kernel, no compilation), the
# root image and `make run` (the end-to-end tests: tests/qemu/qemu.mk).
#
#   make run                      boot to a shell prompt (exit or Ctrl-D ends it)
#   make run CMD='uname -a'       run one command in the guest, exit with its status
#   make run KERNEL=/path/bzImage your own kernel (or MINROOT_KERNEL=...)
#   make run KERNEL=... MODULES=DIR   a modular kernel: its modules tree (lib/modules/VERSION)
#   make run RUN_FLAGS='--accel tcg --snapshot'   more qemu/run-qemu options
.PHONY: run run-deps install-qemu uninstall-qemu

KERNEL    ?= $(or $(if $(filter x86_64,$(ARCH)),$(MINROOT_KERNEL)),$(ARCH_BUILD)/vmlinuz)
CMD       ?=
RUN_FLAGS ?=
MODULES   ?=

# Only the default kernel is made here; a kernel of the user's own is checked
# by run-qemu, which names it if it is missing.
RUN_KERNEL_DEP := $(filter $(ARCH_BUILD)/vmlinuz,$(KERNEL)) $(KERNEL_MODULES_$(ARCH))

# mkrootfs replaces the image atomically: a failed pack leaves the old one.
$(BUILD)/rootfs.img: $(BUILD)/init $(BUILD)/mkrootfs
	$(BUILD)/mkrootfs --init $(BUILD)/init -o $@

run-deps:
	@scripts/deps $(DEPS_RUN) $(if $(filter x86_64,$(ARCH)),,$(DEPS_RUN_ARCH))

# Listed in order: with make -j, run-deps may still run alongside the builds.
run: run-deps $(ARCH_BUILD)/rootfs.img $(RUN_KERNEL_DEP)
	qemu/run-qemu --arch $(ARCH) --kernel $(KERNEL) --image $(ARCH_BUILD)/rootfs.img \
		$(RUN_ARCH_FLAGS_$(ARCH)) $(if $(MODULES),--modules $(MODULES)) $(RUN_FLAGS) $(if $(CMD),-- $(CMD))

install: install-qemu
uninstall: uninstall-qemu
# run-qemu is a short program in $(BINDIR) and its package, qemu/runqemu,
# beside the init in $(LIBEXECDIR) ($(PREFIX)/lib/minroot: run-qemu looks
# for it in ../lib/minroot from where it is).
RUNQEMU_MODULES := $(wildcard qemu/runqemu/*.py)
install-qemu:
	install -D -m 0755 qemu/run-qemu $(DESTDIR)$(BINDIR)/run-qemu
	install -d $(DESTDIR)$(LIBEXECDIR)/runqemu
	install -m 0644 $(RUNQEMU_MODULES) $(DESTDIR)$(LIBEXECDIR)/runqemu/
	install -D -m 0644 qemu/run-qemu.1 $(DESTDIR)$(MANDIR)/man1/run-qemu.1
uninstall-qemu:
	rm -f $(DESTDIR)$(BINDIR)/run-qemu $(DESTDIR)$(MANDIR)/man1/run-qemu.1
	rm -rf $(DESTDIR)$(LIBEXECDIR)/runqemu
