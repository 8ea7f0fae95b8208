#!/bin/bash
# run-qemu --host-tools: the host's bash, python3 and perl run in a guest
# whose root has busybox alone, called by name and through a script's
# #!/bin/bash; /bin and /sbin are the host's with the root's own commands
# the host lacks, so /bin/sh is dash and a #!/bin/sh script reaches them
# too (busybox's sh would run its own applets first); the image is not
# changed; the disk is packed once and then taken from the cache; bad
# package names and packages the host lacks are refused before QEMU starts.
# shellcheck disable=SC2016 # single quotes: these words are for the guest's shell
. "$(dirname "$0")/../lib/report.sh"
RUN=$TOP/qemu/run-qemu
K=$B/vmlinuz
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export MINROOT_CACHE=$T/cache
for p in bash python3 perl; do
	command -v "/usr/bin/$p" >/dev/null || { fail "/usr/bin/$p is not installed on the host"; finish; }
done

# The image's files, before and after a run without --snapshot.
image_listing() {
	rm -rf "$T/tree" && mkdir "$T/tree" && "$B/mkrootfs" --copy-out "$1:$T/tree" &&
		(cd "$T/tree" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort)
}
IMG=$T/rootfs.img
cp "$B/rootfs.img" "$IMG"
image_listing "$IMG" >"$T/before" 2>/dev/null || { fail "mkrootfs --copy-out of the image"; finish; }

echo "# bash, python3 and perl from a command"
cat >"$T/cmd" <<'SH'
echo "bash=$BASH_VERSION"
python3 -c 'import json, sys; print("python3=" + json.dumps(sys.version_info[:2]))'
perl -e 'printf "perl=%vd\n", $^V'
echo "sh=$(realpath /bin/sh)"
echo "ls=$(realpath /bin/ls)"
echo "busybox=$(realpath /bin/busybox)"
grep -m1 '^tcp' /etc/protocols
grep '^root:' /etc/passwd
printf '#!/bin/sh\nps --version >/dev/null 2>&1 && echo "sh-ps=$(basename "$(realpath "$(command -v ps)")")"\n' >/run/s.sh
chmod +x /run/s.sh && /run/s.sh
echo "PATH=$PATH"
SH
"$RUN" --accel tcg --kernel "$K" --image "$IMG" --timeout 600 --host-tools bash,python3,perl,procps,netbase \
	-- bash -c "$(cat "$T/cmd")" </dev/null >"$T/out" 2>"$T/err"
expect_eq "run-qemu exits 0" 0 $?
tr -d '\r' <"$T/out" >"$T/out.txt"
# has WHAT LINE: the guest printed exactly LINE.
has() {
	if grep -qxF -- "$2" "$T/out.txt"; then ok "$1: $2"; else fail "$1: no line '$2'"; evidence "$T/out.txt"; evidence "$T/err" 5; fi
}
has "the host's bash" "bash=$(/usr/bin/bash -c 'echo $BASH_VERSION')"
has "the host's python3, with its standard library" "python3=$(/usr/bin/python3 -c 'import json, sys; print(json.dumps(sys.version_info[:2]))')"
has "the host's perl" "perl=$(/usr/bin/perl -e 'printf "%vd", $^V')"
has "PATH puts the host's /usr first" "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
has "/bin/sh is the host's (busybox's sh runs its applets before PATH's programs)" "sh=$(realpath /usr/bin/sh)"
has "... and so is /bin/ls (the host's first in /bin)" "ls=$(realpath /usr/bin/ls)"
check "... the root's own commands the host lacks stay" grep -qE '^busybox=/run/minroot-graft[^ ]*/orig/busybox$' "$T/out.txt"
has "... and a #!/bin/sh script calls the host's programs" "sh-ps=$(basename "$(realpath /usr/bin/ps)")"
has "/etc has the packages' files (netbase's protocols)" "$(grep -m1 '^tcp' /etc/protocols)"
has "... and the root's own first" "root:x:0:0:root:/root:/bin/sh"
expect_eq "the disk was packed once, saying so in one line" 1 "$(grep -c '^run-qemu: --host-tools: packing [0-9]* files of the host' "$T/err")"
image_listing "$IMG" >"$T/after" 2>/dev/null
if cmp -s "$T/before" "$T/after"; then ok "the image's files are unchanged ($(wc -l <"$T/before") entries)"
else fail "the image's files are unchanged"; diff "$T/before" "$T/after" | head -20 | sed 's/^/    | /'; fi

echo "# a script's #!/bin/bash, the disk from the cache"
printf '#!/bin/bash\nset -o pipefail\necho "script: ${BASH_VERSINFO[0]} $(printf %%s "$1" | tr a-z A-Z)"\n' >"$T/s.sh"
"$RUN" --accel tcg --kernel "$K" --image "$B/rootfs.img" --snapshot --timeout 600 --host-tools perl,netbase,procps,bash,python3 \
	--script "$T/s.sh" -- hello </dev/null >"$T/out" 2>"$T/err"
expect_eq "run-qemu exits 0" 0 $?
tr -d '\r' <"$T/out" >"$T/out.txt"
has "the script ran under the host's bash, with coreutils' tr" "script: $(/usr/bin/bash -c 'echo ${BASH_VERSINFO[0]}') HELLO"
expect_eq "the same packages in another order: the cached disk, nothing packed" 0 "$(grep -c 'packing' "$T/err")"
expect_eq "one disk in the cache" 1 "$(find "$T/cache/host-tools" -name 'usr-*.img' | wc -l)"

echo "# refusals, before QEMU starts"
# refused WHAT TEXT ARGS...: exit 2, one line holding TEXT.
refused() {
	local what=$1 text=$2 got; shift 2
	"$RUN" --accel tcg --kernel "$K" --image "$B/rootfs.img" --snapshot "$@" </dev/null >"$T/out" 2>&1
	got=$?
	if [ $got = 2 ] && [ "$(wc -l <"$T/out")" = 1 ] && grep -qF -- "$text" "$T/out"; then ok "$what: $(cat "$T/out")"
	else fail "$what: expected exit 2 and one line with '$text', got $got"; evidence "$T/out"; fi
}
refused "a package the host does not have" \
	"run-qemu: error: --host-tools: the package 'minroot-no-such-package' is not installed on the host" \
	--host-tools bash,minroot-no-such-package -- true
refused "a word that is no package name" "--host-tools: 'Bash;' is not a Debian package name" --host-tools 'Bash;' -- true
refused "no command" "--host-tools prepares a command's run" --host-tools bash
finish
