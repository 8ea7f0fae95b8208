# ns.sh - build/init as PID 1 in new user, PID, mount, network, UTS and IPC
# namespaces, chrooted into a test root: no VM, no root needed (sourced, not
# a suite). There, reboot(2) ends the namespace's init with SIGINT (power
# off, halt) or SIGHUP (restart), so `unshare --fork` exits 130 or 129.
# shellcheck shell=bash # sourced by bash scripts
. "$(dirname "${BASH_SOURCE[0]}")/report.sh"

BUSYBOX_STATIC=${BUSYBOX:-/bin/busybox}
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/minroot-ns.XXXXXX")
trap 'rm -rf "$NS_TMP"' EXIT

# make_root DIR [--empty-dev] [--no-shell]: a test root with static busybox
# and our init. Its /dev holds placeholders that run_init binds the host's
# null, zero and urandom onto (mknod is not allowed in a user namespace),
# unless --empty-dev leaves /dev empty for init to fill.
make_root() {
	local r=$1
	mkdir -p "$r"/{bin,sbin,dev,etc,proc,sys,tmp,root,run}
	cp "$B/init" "$r/sbin/init"
	[[ " $* " == *" --empty-dev "* ]] || touch "$r"/dev/{null,zero,urandom}
	[[ " $* " == *" --no-shell "* ]] && return
	cp "$BUSYBOX_STATIC" "$r/bin/busybox"
	local a
	for a in $("$BUSYBOX_STATIC" --list); do
		[ "$a" = init ] || [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
	done
}

# run_init ROOT CMDLINE [INIT_ARGS...]: runs init with /proc/cmdline
# replaced by CMDLINE (""=keep the host's, and let init mount /proc itself).
# Output (stdout+stderr) in $NS_TMP/out, exit status in $rc. Stdin is kept;
# RUN_PRE holds extra shell commands run just before the chroot, RUN_REDIR
# redirections for init itself (e.g. "0<&- 1>&- 2>&-").
# A hang is a failure: the run is killed after ${NS_TIMEOUT:-30} s (rc 124).
run_init() {
	local root=$1 cmdline=$2
	shift 2
	local pre=${RUN_PRE:-} node
	for node in null zero urandom; do
		[ -f "$root/dev/$node" ] && pre="$pre mount --bind /dev/$node '$root/dev/$node' &&"
	done
	if [ -n "$cmdline" ]; then
		printf '%s\n' "$cmdline" >"$NS_TMP/cmdline"
		pre="mount -t proc proc '$root/proc' && mount --bind '$NS_TMP/cmdline' '$root/proc/cmdline' && $pre"
	fi
	# In a command substitution, so that bash's "Hangup" note goes nowhere.
	rc=$( { timeout -k 5 "${NS_TIMEOUT:-30}" unshare --user --map-root-user --pid --fork \
		--mount --net --uts --ipc -- sh -c "$pre exec chroot '$root' /sbin/init \"\$@\" ${RUN_REDIR:-}" \
		init "$@" >"$NS_TMP/out" 2>&1; echo $?; } 2>/dev/null)
}

# status_line N: init's status line for exit status N. In a namespace init
# reads the host kernel's /proc/sys/kernel/tainted, so a tainted host adds
# " taint=LETTERS" (flags without a letter are left out, as init does).
status_line() {
	local letters=PFSRMBUDAWCIOELKXTN flags bit set=
	flags=$(cat /proc/sys/kernel/tainted 2>/dev/null || echo 0)
	for ((bit = 0; bit < ${#letters}; bit++)); do
		(((flags >> bit) & 1)) && set=$set${letters:bit:1}
	done
	echo "init: exit status $1${set:+ taint=$set}"
}

# has LINE: the output of the last run has exactly this line.
has() { grep -qxF -- "$1" "$NS_TMP/out"; }
count_lines() { grep -cxF -- "$1" "$NS_TMP/out"; }

# expect_run WHAT RC [LINE...]: last run exited RC and printed each LINE.
expect_run() {
	local what=$1 want=$2 line missing=
	shift 2
	for line in "$@"; do has "$line" || missing="$missing [$line]"; done
	if [ "$rc" -eq "$want" ] && [ -z "$missing" ]; then
		ok "$what"
	else
		fail "$what"
		echo "    exit $rc (want $want); missing lines:${missing:- none}"
		evidence "$NS_TMP/out"
	fi
}
