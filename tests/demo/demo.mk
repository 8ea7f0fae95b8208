# make demo: PID 1's duties, each shown by leaving it out (docs/pid1.md).
#
#   make demo               list the duties
#   make demo DUTY=reap     build the init without that duty (-DMINROOT_DEMO_NO_REAP),
#                           run it as PID 1 beside the real one, and say what broke
#
# Each demo is also a test suite: it passes when the real init does its duty
# and the init without it shows the breakage the guide describes.
.PHONY: demo

# In the guide's order; tests/demo/NAME.sh (or .py) shows each. The last two need a
# kernel (QEMU); the others run in user, PID and mount namespaces.
DEMO_DUTIES := proc devpts console ctty environment lo sigmask reap signals never-exit remount-ro
DEMO_QEMU   := never-exit remount-ro
DUTY        ?=

demo_switch = MINROOT_DEMO_NO_$(shell echo '$1' | tr a-z- A-Z_)

# The same sources and flags as $(BUILD)/init, with one duty's switch on.
$(BUILD)/demo/init-%: $(INIT_SRCS) $(INIT_HDRS) config.mk
	@mkdir -p $(@D)
	$(MUSLCC) $(INIT_CFLAGS) -D_GNU_SOURCE -DMINROOT_VERSION='"$(VERSION)"' \
		-D$(call demo_switch,$*) $(INIT_LDFLAGS) -o $@.tmp $(INIT_SRCS)
	$(STRIP_SECTIONS) $@.tmp
	mv $@.tmp $@

ifneq ($(DUTY),)
ifeq ($(filter $(DUTY),$(DEMO_DUTIES)),)
$(error demo: no duty named '$(DUTY)'; 'make demo' lists them)
endif
endif

DEMO_NEEDS = $(BUILD)/init $(BUILD)/demo/init-$(DUTY) \
	$(if $(filter $(DUTY),$(DEMO_QEMU)),$(BUILD)/mkrootfs $(BUILD)/vmlinuz)

demo: $(if $(DUTY),$(DEMO_NEEDS))
	@scripts/deps $(DEPS_DEMO)
	@tests/demo/demo $(if $(DUTY),$(DUTY),--list $(DEMO_DUTIES))

DEPS_DEMO   = util-linux busybox-static python3-pexpect e2fsprogs $(DEPS_RUN)
DEPS_TEST  += $(DEPS_DEMO)
SUITES_demo += $(foreach d,$(DEMO_DUTIES),$(wildcard tests/demo/$(d).*))
TEST_DEPS   += $(addprefix $(BUILD)/demo/init-,$(DEMO_DUTIES)) $(BUILD)/mkrootfs $(BUILD)/vmlinuz
