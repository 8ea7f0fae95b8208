# The init: a small static PID 1, built with musl.
INIT_SRCS := $(addprefix init/,main.c options.c policy.c format.c log.c mounts.c devices.c \
	environment.c console.c supervise.c shutdown.c dir.c blockdev.c \
	request.c channel.c disks.c moddep.c modules.c rootdev.c switch_root.c stage1.c \
	status.c kernelfs.c net.c timeout.c rc.c inittab.c sys.c)
INIT_HDRS := $(wildcard init/*.h)
INIT_MAX_BYTES := 40960
# $(call init_link,COMPILER[,MORE_CFLAGS]): the recipe that builds $@
# (arch.mk uses it with the cross compilers).
define init_link
$(1) $(INIT_CFLAGS) $(2) -D_GNU_SOURCE -DMINROOT_VERSION='"$(VERSION)"' $(INIT_LDFLAGS) -o $@.tmp $(INIT_SRCS)
$(STRIP_SECTIONS) $@.tmp
mv $@.tmp $@
endef

all: $(BUILD)/init

$(BUILD)/init: $(INIT_SRCS) $(INIT_HDRS) config.mk
	@scripts/deps $(DEPS_INIT)
	@mkdir -p $(@D)
	$(call init_link,$(MUSLCC))

# Pure modules, linked directly by the unit tests (and again with sanitizers).
UNIT_INIT_SRCS := init/options.c init/moddep.c init/policy.c init/format.c init/request.c \
	init/status.c init/inittab.c
$(BUILD)/unit/test_init: tests/unit/test_init.c $(UNIT_INIT_SRCS) tests/unit/check.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -D_GNU_SOURCE -Iinit -o $@ tests/unit/test_init.c $(UNIT_INIT_SRCS)
$(BUILD)/unit/test_init.san: tests/unit/test_init.c $(UNIT_INIT_SRCS) tests/unit/check.h
	@mkdir -p $(@D)
	clang -std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
		-Iinit -o $@ tests/unit/test_init.c $(UNIT_INIT_SRCS)

TEST_DEPS += $(BUILD)/init $(BUILD)/unit/test_init $(BUILD)/unit/test_init.san
# Without a VM first; then the init's duties on a real kernel, through run-qemu.
TEST_SUITES += tests/unit/init.sh tests/ns/init.sh tests/ns/rc.sh tests/ns/terminal.py \
	tests/qemu/init-guest.sh tests/qemu/init-env.sh
TEST_DEPS += $(BUILD)/rootfs.img $(BUILD)/vmlinuz
# Stage 1 on Debian's standard kernel (make kernel-generic, qemu/qemu.mk).
# And on a kernel from source with the root's drivers as modules (make
# kernel-src-mod, qemu/kernel/kernel.mk).
TEST_SUITES += tests/qemu/stage1.py tests/kernel/stage1-mod.py
TEST_DEPS += $(BUILD)/vmlinuz-generic $(BUILD)/modules-generic $(BUILD)/mkrootfs \
	$(BUILD)/bzImage-mod $(BUILD)/modules-mod

install: install-init
uninstall: uninstall-init
.PHONY: install-init uninstall-init
install-init: $(BUILD)/init
	install -D -m 0755 $(BUILD)/init $(DESTDIR)$(LIBEXECDIR)/init
	install -D -m 0644 init/init.8 $(DESTDIR)$(MANDIR)/man8/minroot-init.8
uninstall-init:
	rm -f $(DESTDIR)$(LIBEXECDIR)/init $(DESTDIR)$(MANDIR)/man8/minroot-init.8
