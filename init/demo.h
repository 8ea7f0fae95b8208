/* `make demo DUTY=NAME` builds the init with -DMINROOT_DEMO_NO_NAME: that one
 * duty is left out, to show what breaks without it (docs/pid1.md). In every
 * other build each switch is 0 and the compiler drops the test. */
#ifndef MINROOT_DEMO_H
#define MINROOT_DEMO_H

#ifndef MINROOT_DEMO_NO_PROC
#define MINROOT_DEMO_NO_PROC 0
#endif
#ifndef MINROOT_DEMO_NO_CONSOLE
#define MINROOT_DEMO_NO_CONSOLE 0
#endif
#ifndef MINROOT_DEMO_NO_DEVPTS
#define MINROOT_DEMO_NO_DEVPTS 0
#endif
#ifndef MINROOT_DEMO_NO_CTTY
#define MINROOT_DEMO_NO_CTTY 0
#endif
#ifndef MINROOT_DEMO_NO_ENVIRONMENT
#define MINROOT_DEMO_NO_ENVIRONMENT 0
#endif
#ifndef MINROOT_DEMO_NO_LO
#define MINROOT_DEMO_NO_LO 0
#endif
#ifndef MINROOT_DEMO_NO_SIGMASK
#define MINROOT_DEMO_NO_SIGMASK 0
#endif
#ifndef MINROOT_DEMO_NO_REAP
#define MINROOT_DEMO_NO_REAP 0
#endif
#ifndef MINROOT_DEMO_NO_SIGNALS
#define MINROOT_DEMO_NO_SIGNALS 0
#endif
#ifndef MINROOT_DEMO_NO_NEVER_EXIT
#define MINROOT_DEMO_NO_NEVER_EXIT 0
#endif
#ifndef MINROOT_DEMO_NO_REMOUNT_RO
#define MINROOT_DEMO_NO_REMOUNT_RO 0
#endif

#endif
