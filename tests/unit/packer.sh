#!/bin/bash
# Unit tests of the packer's pure parts, plain and under ASan+UBSan.
. "$(dirname "$0")/../lib/report.sh"
for bin in "$B/unit/packer_test" "$B/unit/packer_test.san"; do
	echo "# $(basename "$bin")"
	"$bin" 2>&1 | sed "s/^\(not \)\{0,1\}ok - /&$(basename "$bin"): /"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "$(basename "$bin") exited non-zero"
done
finish
