#!/bin/bash
# The test module splat.ko (tests/kmod/build-splat): built for the kernel in
# $B/vmlinuz (its vermagic names that kernel's version), with its action
# parameter, from the cache the second time; a file that is not a bzImage
# is refused. Booting it is left to the suites that judge a run's splats.
. "$(dirname "$0")/../lib/report.sh"
cd "$TOP" || exit 1
ko=$B/splat.ko
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
modinfo() { PATH=$PATH:/usr/sbin:/sbin command modinfo "$@"; }

if [ ! -s "$ko" ]; then
	fail "$ko exists (make $ko)"; finish
fi
release=$(kernel_release "$B/vmlinuz")
vermagic=$(modinfo -F vermagic "$ko" | cut -d ' ' -f 1)
expect_eq "splat.ko is built for $B/vmlinuz's version" "$release" "$vermagic"
expect_eq "it has the parameter action" \
	"action:none, warn, oops, bug or panic: what to do now" "$(modinfo -p "$ko")"

tests/kmod/build-splat "$B/vmlinuz" "$tmp/splat.ko" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && cmp -s "$ko" "$tmp/splat.ko" && ! grep -q "make" "$tmp/out"; then
	ok "a second build comes from the cache: $(cat "$tmp/out")"
else
	fail "a second build comes from the cache (exit $rc)"; evidence "$tmp/out"
fi

head -c 4096 /dev/zero >"$tmp/not-a-kernel"
tests/kmod/build-splat "$tmp/not-a-kernel" "$tmp/never.ko" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "not a bzImage" "$tmp/out" && [ ! -e "$tmp/never.ko" ]; then
	ok "a file that is not a bzImage is refused: $(cat "$tmp/out")"
else
	fail "a file that is not a bzImage is refused (exit $rc)"; evidence "$tmp/out"
fi
finish
