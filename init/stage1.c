/* Stage 1: init runs as /init of an initramfs and the kernel command line
 * names a root=. It loads the modules the initramfs carries (the root's
 * disk driver and file system), waits for the root, mounts it and hands
 * over to the root's own init. Every failure ends in one line and a
 * power-off: PID 1 must neither exit (a panic) nor hang. */
#include "init.h"

#include <unistd.h>

#define NEWROOT "/newroot"

bool is_stage1(const struct options *o)
{
	return *o->root.root && root_is_in_memory();
}

_Noreturn void run_stage1(const struct options *o, char **argv)
{
	char loaded[512], dev[OPT_PATH_MAX];
	const char *init = *o->root.init ? o->root.init : "/sbin/init";
	long long start = monotonic_ms();
	if (load_initramfs_modules(loaded, sizeof loaded) &&
	    wait_for_root(&o->root, loaded, dev, sizeof dev) &&
	    mount_root(&o->root, dev, NEWROOT)) {
		say("stage 1: %s mounted in %u ms; running its %s", dev,
		    (unsigned)(monotonic_ms() - start), init);
		switch_root(NEWROOT, init, argv);
	}
	shut_down(ACTION_POWEROFF, o->grace_ms);
}
