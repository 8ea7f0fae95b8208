#!/bin/bash
# Unit tests of the init's pure logic, plain and under ASan+UBSan.
. "$(dirname "$0")/../lib/report.sh"
for bin in "$B/unit/init_test" "$B/unit/init_test.san"; do
	echo "# $(basename "$bin")"
	"$bin" | sed "s/^\(not \)\{0,1\}ok - /&$(basename "$bin"): /"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "$(basename "$bin") exited non-zero"
done
finish
