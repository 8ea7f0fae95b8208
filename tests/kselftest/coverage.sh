#!/bin/bash
# qemu/kselftest/kselftest-coverage-report on a made-up coverage directory
# (two collections, two kernels: ok, not ok, a skip with its reason, a
# stub, tests the budget left out, a run that ended early, explanations),
# compared whole with the table kept beside it; the section replaced in a
# page and nothing else; bad input. Then the coverage section of
# docs/kselftest.md: well-formed (every row has its cells, the totals
# are the sums of the rows, no excluded collection in it).
. "$(dirname "$0")/../lib/report.sh"
REPORT=$TOP/qemu/kselftest/kselftest-coverage-report
S=$TOP/tests/kselftest/samples/coverage
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
# shellcheck disable=SC2054 # cloud,generic: one argument, as --kernels takes it
args=(--dir "$S" --kernels cloud,generic --excluded "$S/excluded" --explained "$S/explained" alpha net/sub)

echo "# the table of a made-up run"
"$REPORT" "${args[@]}" >"$T/out" 2>"$T/err"
expect_eq "the report exits 0" 0 $?
if diff -u "$S/expected.md" "$T/out" >"$T/diff"; then ok "the section equals the one kept (tests/kselftest/samples/coverage/expected.md)"
else fail "the section differs from the one kept"; evidence "$T/diff"; fi
# shellcheck disable=SC2016 # backticks: Markdown in the report
check "a stub counts as built no more, with its reason" grep -qF '`alpha:four` (cloud, generic): not built: needs /usr/bin/nosuch' "$T/out"
# shellcheck disable=SC2016 # backticks: Markdown in the report
check "tests the budget left out are not run" grep -qF '`net/sub:six` (cloud): not run: the time budget' "$T/out"
# shellcheck disable=SC2016 # backticks: Markdown in the report
check "a failure without an explanation is marked so" grep -qF '`alpha:three.sh` (generic): not ok: TIMEOUT 45 seconds (not yet explained)' "$T/out"
# shellcheck disable=SC2016 # backticks: Markdown in the report
check "... and one with an explanation shows it" grep -qF '`alpha:three.sh` (cloud): not ok: the test'"'"'s own bug' "$T/out"

echo "# the section replaced in a page"
cp "$S/doc.md" "$T/doc.md"
"$REPORT" "${args[@]}" --doc "$T/doc.md"
expect_eq "--doc exits 0" 0 $?
expect_eq "the page's text around the section is kept" "# A page||Before.|After." \
	"$(sed '/<!-- kselftest-coverage: begin -->/,/<!-- kselftest-coverage: end -->/d' "$T/doc.md" | tr '\n' '|' | sed 's/|$//')"
expect_eq "the section is the table" "$(cat "$S/expected.md")" \
	"$(sed -n '/<!-- kselftest-coverage: begin -->/,/<!-- kselftest-coverage: end -->/p' "$T/doc.md")"
printf 'no markers\n' >"$T/bare.md"
"$REPORT" "${args[@]}" --doc "$T/bare.md" 2>"$T/bare.err"
expect_eq "a page without the markers: exit 1" 1 $?
check "... in one line" grep -qx "kselftest-coverage-report: error: $T/bare.md has no '<!-- kselftest-coverage: begin -->' ... '<!-- kselftest-coverage: end -->' lines" "$T/bare.err"
expect_eq "... the page untouched" "no markers" "$(cat "$T/bare.md")"
"$REPORT" --dir "$S" >/dev/null 2>"$T/usage.err"
expect_eq "no collection: a usage error (exit 2)" 2 $?

echo "# the coverage section of docs/kselftest.md"
"$TOP/tests/kselftest/coverage-table.py" "$TOP/docs/kselftest.md" "$TOP/qemu/kselftest/excluded"
finish
