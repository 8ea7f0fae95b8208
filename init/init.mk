# The init: a small static PID 1, built with musl.
INIT_SRCS := $(addprefix init/,main.c options.c policy.c format.c log.c mounts.c devices.c \
	environment.c console.c supervise.c shutdown.c dir.c blockdev.c \
	request.c channel.c disks.c moddep.c modules.c rootdev.c switch_root.c stage1.c \
	status.c kernelfs.c net.c timeout.c rc.c inittab.c sys.c leader.c)
INIT_HDRS := $(wildcard init/*.h)
# The init's size limit: make test passes it to the suites that check it.
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

# Pure modules, linked directly by the unit tests (tests/unit/unit.mk).
UNIT_INIT_SRCS := init/options.c init/moddep.c init/policy.c init/format.c init/request.c \
	init/status.c init/inittab.c

install: install-init
uninstall: uninstall-init
.PHONY: install-init uninstall-init
install-init: $(BUILD)/init
	install -D -m 0755 $(BUILD)/init $(DESTDIR)$(LIBEXECDIR)/init
	install -D -m 0644 init/init.8 $(DESTDIR)$(MANDIR)/man8/minroot-init.8
uninstall-init:
	rm -f $(DESTDIR)$(LIBEXECDIR)/init $(DESTDIR)$(MANDIR)/man8/minroot-init.8
