# tests/ns/ns.mk - the init as PID 1 in namespaces, no VM: command mode,
# signals, shutdown, rc scripts, the terminal. Included by the top Makefile.
SUITES_init += tests/ns/init.sh tests/ns/rc.sh tests/ns/terminal.py
TEST_DEPS   += $(BUILD)/init
