# Sourced by each demo, tests/demo/NAME.sh: the init as built (the duty in)
# and the init `make demo DUTY=NAME` builds without it, run the same way.
# Each demo prints what it saw both times, and passes when the real init
# did its duty and the other one showed the breakage.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$TOP/tests/ns/nslib.sh"

DUTY=$(basename "$0" .sh)
DEMO_INIT=$B/demo/init-$DUTY
for f in "$B/init" "$DEMO_INIT"; do
	if [ ! -x "$f" ]; then
		fail "$DUTY: ${f#"$TOP"/} is built (make demo DUTY=$DUTY builds it)"
		exit 1
	fi
done

# title TEXT: what the duty is and where its code is.
title() { echo "# $DUTY: $*"; }

# use_init ROOT with|without: the init ROOT boots.
use_init() {
	if [ "$2" = with ]; then cp "$B/init" "$1/sbin/init"; else cp "$DEMO_INIT" "$1/sbin/init"; fi
}

# saw with|without TEXT: one line of what was observed.
saw() { printf '    %-8s the duty: %s\n' "$1" "$2"; }

# judge with|without WHAT CMD...: the verdict, with the run's output as
# evidence when CMD fails.
judge() {
	local side=$1 what=$2
	shift 2
	if "$@"; then
		ok "$DUTY: $side the duty, $what"
	else
		fail "$DUTY: $side the duty, $what"
		evidence "$NS_TMP/out"
	fi
}
