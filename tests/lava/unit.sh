#!/bin/sh
# lava-job's unit tests (pytest over qemu/lava/lavajob, no QEMU, no LAVA):
# one "ok - NAME" line per test, non-zero on a failure.
cd "$(dirname "$0")" || exit 1
PYTEST=${PYTEST:-pytest-3}
command -v "$PYTEST" >/dev/null || { echo "not ok - $PYTEST not found (make deps: python3-pytest)"; exit 1; }
exec "$PYTEST" -q -p no:cacheprovider -o console_output_style=classic "$@"
