#!/bin/bash
# qemu/kselftest/kselftest-coverage itself, no guest: a copy of it in a
# made-up tree whose qemu/kselftest/kselftest, build-kselftest and
# kselftest-coverage-report are stand-ins that record their calls. Every
# collection on every kernel once, with the options the issue's table was
# made with; --jobs N: N at once (two that wait for each other both pass),
# never more; SIGTERM stops them all; a collection run already is not run
# again; bad --jobs.
. "$(dirname "$0")/../lib/report.sh"
. "$(dirname "$0")/../lib/procs.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
F=$T/top/qemu/kselftest
mkdir -p "$F" "$T/top/docs" "$T/state" "$T/cache/kselftest/src/linux-source-6.1-1/tools/testing/selftests"
cp "$TOP/qemu/kselftest/kselftest-coverage" "$F/"
printf 'TARGETS += alpha\nTARGETS += beta\nTARGETS += gamma\nTARGETS += delta\nTARGETS += sparc64\n' \
	>"$T/cache/kselftest/src/linux-source-6.1-1/tools/testing/selftests/Makefile"
printf '# made up\nsparc64  another architecture\n' >"$F/excluded"
: >"$F/explained"
printf '#!/bin/sh\necho "build $*" >>"%s/state/calls"\n' "$T" >"$F/build-kselftest"
printf '#!/bin/sh\necho "report $*" >>"%s/state/calls"\n' "$T" >"$F/kselftest-coverage-report"
# The stand-in for one collection's guest: notes its call and how many
# ran at once; with PAIRS=SECONDS, alpha waits that long for beta to be
# running and beta for alpha (gamma and delta alike): both pass only when
# run together.
cat >"$F/kselftest" <<'EOF'
#!/bin/bash
s=$STATE
c=${!#}
echo "run $*" >>"$s/calls"
touch "$s/running.$c"
n=$(ls "$s" | grep -c '^running\.')
echo "$n" >>"$s/at-once"
if [ -n "${STALL:-}" ]; then
	sleep 300 &
	echo "$!" >>"$s/stalled"
	wait
fi
if [ -n "${PAIRS:-}" ]; then
	case $c in alpha) p=beta ;; beta) p=alpha ;; gamma) p=delta ;; delta) p=gamma ;; esac
	for _ in $(seq $((PAIRS * 10))); do [ -e "$s/running.$p" ] && break; sleep 0.1; done
	[ -e "$s/running.$p" ] && echo "$c with $p" >>"$s/pairs"
	sleep 2
fi
rm -f "$s/running.$c"
echo "kselftest: the guest ran for 1 s (run-qemu status 0)"
EOF
chmod 755 "$F"/*
export STATE=$T/state MINROOT_CACHE=$T/cache

# coverage ARGS...: the copy, its output directory in $T/out.
coverage() { BUILD=$T/build "$F/kselftest-coverage" -o "$T/out" "$@"; }

echo "# one at a time (the default)"
coverage >"$T/log" 2>&1
expect_eq "it exits 0" 0 $?
expect_eq "the tree is built once, with every collection but the excluded" \
	"build -o $T/out/tree alpha beta gamma delta" "$(grep '^build' "$T/state/calls")"
expect_eq "each collection runs once on each kernel: 8 guests" 8 "$(grep -c '^run' "$T/state/calls")"
check "... the cloud kernel's with its options" grep -qxF \
	"run --kernel $T/build/vmlinuz --tree $T/out/tree --budget 1800 --test-timeout 600 --log $T/out/cloud/gamma.log gamma" "$T/state/calls"
check "... the standard kernel with its modules" grep -qxF \
	"run --kernel $T/build/vmlinuz-generic --modules $T/build/modules-generic --tree $T/out/tree --budget 1800 --test-timeout 600 --log $T/out/generic/alpha.log alpha" "$T/state/calls"
expect_eq "one guest at a time" "1" "$(sort -u "$T/state/at-once")"
expect_eq "a summary for each" 8 "$(find "$T/out" -name '*.out' | wc -l)"
check "... ending with the run's status" grep -qx "kselftest-coverage: exit 0" "$T/out/generic/delta.out"
expect_eq "then the table, into the page" \
	"report --dir $T/out --kernels cloud,generic --excluded $F/excluded --explained $F/explained --doc $T/top/docs/kselftest.md alpha beta gamma delta" \
	"$(grep '^report' "$T/state/calls")"

echo "# run again: nothing run twice"
: >"$T/state/calls"
coverage >"$T/log" 2>&1
expect_eq "a collection run already is not run again" 0 "$(grep -c '^run' "$T/state/calls")"
rm "$T/out/cloud/beta.out"
coverage beta >"$T/log" 2>&1
expect_eq "... one whose summary was removed is, when named" "1" "$(grep -c '^run' "$T/state/calls")"

echo "# --jobs 2"
rm -rf "$T/out" "$T/state"/*
PAIRS=20 coverage --jobs 2 --kernels generic >"$T/log" 2>&1
expect_eq "it exits 0" 0 $?
expect_eq "two at once: alpha and beta together, gamma and delta together" \
	"alpha with beta|beta with alpha|delta with gamma|gamma with delta" "$(sort "$T/state/pairs" | paste -sd'|')"
expect_eq "never more than two" 2 "$(sort -n "$T/state/at-once" | tail -n 1)"
expect_eq "a summary for each" 4 "$(find "$T/out" -name '*.out' | wc -l)"
rm -rf "$T/out" "$T/state"/*
PAIRS=2 coverage --kernels generic >"$T/log" 2>&1
expect_eq "without --jobs the pairs wait in vain (the check can fail)" 0 "$(wc -l 2>/dev/null <"$T/state/pairs" || echo 0)"

echo "# stopped: every guest with it"
rm -rf "$T/out" "$T/state"/*
# (not through coverage(): $! would be a subshell's)
STALL=1 BUILD=$T/build "$F/kselftest-coverage" -o "$T/out" --jobs 2 --kernels generic >"$T/log" 2>&1 &
cov=$!
for _ in $(seq 100); do [ "$(wc -l 2>/dev/null <"$T/state/stalled")" = 2 ] && break; sleep 0.1; done
expect_eq "two guests running" 2 "$(wc -l 2>/dev/null <"$T/state/stalled")"
kill -TERM "$cov"; wait "$cov"
expect_eq "SIGTERM: exit 130" 130 $?
mapfile -t stalled <"$T/state/stalled"
if left=$(ended "${stalled[@]}"); then ok "... and the guests' processes are gone with it"
else
	fail "still running after SIGTERM: $left"
	# shellcheck disable=SC2086 # one pid a word
	kill $left
fi

echo "# bad input"
for bad in 0 two -1; do
	coverage --jobs "$bad" >"$T/out.txt" 2>"$T/err"
	expect_eq "--jobs $bad: exit 2" 2 $?
	expect_eq "... one line saying so" "kselftest-coverage: error: --jobs: '$bad' is not a number of guests (1 or more)" "$(cat "$T/err")"
done
finish
