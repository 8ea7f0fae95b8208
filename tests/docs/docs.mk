# tests/docs/docs.mk - the documentation's own tests: the PID 1 guide in both
# languages against each other and the tree; README.md and docs/ against what
# the README named before it was split into docs/ (tests/docs/readme-terms.txt),
# and their links. Included by the top Makefile.
SUITES_docs += tests/docs/pid1.py tests/docs/pages.py
