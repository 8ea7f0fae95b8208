# The documentation's own tests: the PID 1 guide in both languages against
# each other and the tree.
TEST_SUITES += tests/docs/pid1.py
