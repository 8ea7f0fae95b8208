#!/bin/bash
# Orphan storm with init as PID 1 in namespaces (no VM): N orphans (1,000;
# SOAK=1: 10,000), each `(sleep 1 &)` so that it is handed to PID 1. After
# the storm init has reaped them all, no zombie is left, and PID 1's memory
# (Rss from /proc/1/smaps_rollup, VmRSS from /proc/1/status) did not grow.
. "$(dirname "$0")/../lib/report.sh"
. "$(dirname "$0")/../lib/ns.sh"

if [ -n "${SOAK:-}" ] && [ "$SOAK" != 0 ]; then N=10000; else N=1000; fi
R=$NS_TMP/root
make_root "$R"
# A hang is a failure; generous for a loaded machine.
# shellcheck disable=SC2034 # read by ns.sh's run_init
NS_TIMEOUT=$((60 + N / 20))

# shellcheck disable=SC2016 # single quotes: for the init's shell
run_init "$R" "console=ttyS0 minroot.grace=500" sh -c '
	children() { grep -l "^PPid:[[:space:]]*1$" /proc/[0-9]*/status 2>/dev/null | wc -l; }
	zombies() { grep -l "^State:[[:space:]]*Z" /proc/[0-9]*/status 2>/dev/null | wc -l; }
	kb() { sed -n "s/^$1:[^0-9]*\([0-9]*\) kB/\1/p" $2; }
	settle() { n=0; while [ $n -lt 600 ] && [ "$(children)" -gt 1 ]; do sleep 0.2; n=$((n+1)); done; }
	mem() { echo "rss-$1=$(kb Rss /proc/1/smaps_rollup)"; echo "vmrss-$1=$(kb VmRSS /proc/1/status)"; }
	storm() {
		i=0 peak=0
		while [ $i -lt $1 ]; do
			(sleep 1 </dev/null &)
			i=$((i + 1))
			if [ $((i % 250)) = 0 ]; then c=$(children); [ $c -gt $peak ] && peak=$c; fi
		done
		echo "peak=$peak"
	}
	storm 20 >/dev/null; settle; mem before
	storm '"$N"'; settle
	echo "children=$(children)"; echo "zombies=$(zombies)"; mem after' </dev/null

value() { sed -n "s/^$1=\([0-9]*\)\$/\1/p" "$NS_TMP/out"; }
expect_run "the storm ran and init powered off after it" 130 "$(status_line 0)"
peak=$(value peak)
if [ "${peak:-0}" -gt 1 ]; then ok "orphans were really made (up to $peak waiting for init at once)"
else fail "orphans were really made"; evidence "$NS_TMP/out"; fi
expect_run "$N orphans reaped: only the shell is left as init's child" 130 "children=1"
expect_run "zombies after the storm: 0" 130 "zombies=0"
rb=$(value rss-before) ra=$(value rss-after) vb=$(value vmrss-before) va=$(value vmrss-after)
if [ -n "$rb" ] && [ -n "$ra" ] && [ -n "$vb" ] && [ -n "$va" ] &&
	[ "$ra" -le "$rb" ] && [ "$va" -le "$vb" ]; then
	ok "PID 1 memory did not grow: Rss $rb -> $ra kB, VmRSS $vb -> $va kB"
else
	fail "PID 1 memory did not grow: Rss ${rb:-?} -> ${ra:-?} kB, VmRSS ${vb:-?} -> ${va:-?} kB"
	evidence "$NS_TMP/out"
fi
finish
