# procs.sh - waiting for processes in the suites (sourced, not a suite).
# shellcheck shell=bash # sourced by bash scripts

# ended PID...: true once every PID has ended (gone, or a zombie its new
# parent has not reaped yet), waiting up to 10 s for a signal to take
# effect; prints those still running when it gives up.
ended() {
	local p left
	for _ in $(seq 100); do
		left=
		for p in "$@"; do
			case $(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) in
			'' | Z) ;;
			*) left="$left $p" ;;
			esac
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "${left# }"
	return 1
}
