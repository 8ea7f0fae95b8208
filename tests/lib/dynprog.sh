# dynprog.sh - a dynamically linked test program (sourced, not a suite).
# shellcheck shell=bash # sourced by bash scripts
. "$(dirname "${BASH_SOURCE[0]}")/report.sh"
# build_dynamic_program DIR: DIR/bin/prog needs libc, libm, libpthread and
# DIR/lib/libown.so.1 (a link to libown.so.1.0), found through RUNPATH
# $ORIGIN/../lib. It prints its arguments and exits with the first one.
# Returns non-zero when it cannot be built or does not run on the host.
build_dynamic_program() {
	local d=$1
	mkdir -p "$d/bin" "$d/lib" "$d/src" || return 1
	cat >"$d/src/own.c" <<'C'
int own_twice(int x) { return 2 * x; }
C
	cat >"$d/src/prog.c" <<'C'
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
int own_twice(int x);
static void *work(void *arg) { return arg; }
int main(int argc, char **argv)
{
	pthread_t t;
	void *back;
	if (pthread_create(&t, NULL, work, argv[0]) || pthread_join(t, &back))
		return 99;
	printf("prog: sqrt=%g own=%d argc=%d", sqrt(own_twice(8)), own_twice(21), argc);
	for (int i = 1; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
C
	gcc -shared -fPIC -Wl,-soname,libown.so.1 -o "$d/lib/libown.so.1.0" "$d/src/own.c" || return 1
	ln -sf libown.so.1.0 "$d/lib/libown.so.1"
	# libpthread by its file name: glibc 2.34+ links -lpthread to an empty archive
	# shellcheck disable=SC2016 # single quotes: $ORIGIN is for the dynamic linker
	gcc -o "$d/bin/prog" "$d/src/prog.c" -L"$d/lib" -l:libown.so.1 -Wl,--no-as-needed \
		-lm -l:libpthread.so.0 -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib' || return 1
	# shellcheck disable=SC2016 # single quotes: a literal $ORIGIN in readelf's output
	readelf -d "$d/bin/prog" | grep -q 'RUNPATH.*\$ORIGIN/../lib' || return 1
	readelf -d "$d/bin/prog" | grep -q 'NEEDED.*libpthread' || return 1
	"$d/bin/prog" 3 >/dev/null
	[ $? -eq 3 ]
}

# dynamic_program_or_stop DIR FILE...: every FILE
# the suite needs is built and the program builds into DIR, or the suite
# ends there, failed.
dynamic_program_or_stop() {
	local d=$1 f; shift
	for f in "$@"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done
	if build_dynamic_program "$d"; then ok "the dynamic test program builds and runs on the host"
	else fail "the dynamic test program builds and runs on the host"; finish; fi
}
