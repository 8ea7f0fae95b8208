# tests/unit/unit.mk - the unit tests of the pure parts, the init's
# (init_test.c, run by init.sh) and the packer's (packer_test.c, run by
# packer.sh), each linked with the modules it tests (UNIT_INIT_SRCS of
# init/init.mk, PACKER_PURE of packer/packer.mk), plain and under ASan+UBSan;
# and the test runner's own test (run.sh). Included by the top Makefile.

SAN_CFLAGS := -std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
.PHONY: unit-san-deps
unit-san-deps:
	@scripts/deps clang libclang-rt-14-dev

$(BUILD)/unit/init_test: tests/unit/init_test.c $(UNIT_INIT_SRCS) tests/lib/check.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -D_GNU_SOURCE -Iinit -Itests/lib -o $@ tests/unit/init_test.c $(UNIT_INIT_SRCS)
$(BUILD)/unit/init_test.san: tests/unit/init_test.c $(UNIT_INIT_SRCS) tests/lib/check.h | unit-san-deps
	@mkdir -p $(@D)
	clang $(SAN_CFLAGS) -D_GNU_SOURCE -Iinit -Itests/lib -o $@ tests/unit/init_test.c $(UNIT_INIT_SRCS)

PACKER_UNIT_OBJS := $(PACKER_PURE:%=$(BUILD)/packer/%.o) $(BUILD)/unit/packer_test.o

$(BUILD)/unit/packer_test.o: tests/unit/packer_test.c $(BUILD)/packer/flags | packer-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PACKER_CPPFLAGS) -Ipacker -Itests/lib -MMD -MP -c -o $@ $<

$(BUILD)/unit/packer_test: $(PACKER_UNIT_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PACKER_UNIT_OBJS) $(PACKER_CRYPTO) -pthread

$(BUILD)/unit/packer_test.san: tests/unit/packer_test.c tests/lib/check.h $(PACKER_PURE:%=packer/%.c) \
		$(PACKER_HDRS) $(BUILD)/packer/flags | unit-san-deps
	@mkdir -p $(@D)
	clang -Wall -Wextra $(WERROR) $(SAN_CFLAGS) $(PACKER_CPPFLAGS) -Ipacker -Itests/lib -o $@ \
		tests/unit/packer_test.c $(PACKER_PURE:%=packer/%.c) $(PACKER_CRYPTO) -pthread

-include $(BUILD)/unit/packer_test.d

# The runner first: every other result goes through it.
SUITES_tests  += tests/unit/run.sh
SUITES_init   += tests/unit/init.sh
SUITES_packer += tests/unit/packer.sh
TEST_DEPS     += $(BUILD)/unit/init_test $(BUILD)/unit/init_test.san \
	$(BUILD)/unit/packer_test $(BUILD)/unit/packer_test.san
