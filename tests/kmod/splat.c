// SPDX-License-Identifier: GPL-2.0
/*
 * splat: a kernel splat on demand, to test what a run does when the kernel
 * warns, oopses or panics.
 *
 *   insmod splat.ko action=warn    WARN(): "WARNING: CPU: ...", taint W
 *   insmod splat.ko action=oops    a write through a NULL pointer:
 *                                  "BUG: kernel NULL pointer dereference",
 *                                  "Oops: 0002", taint D; insmod is killed
 *   insmod splat.ko action=bug     BUG(): "kernel BUG at ...", taint D
 *   insmod splat.ko action=panic   panic("splat: panic on demand")
 *   insmod splat.ko                loads and does nothing (taint O, and E
 *                                  on a kernel that signs its modules)
 *
 * Once loaded, writing an action to /sys/module/splat/parameters/action
 * does it again (reading it gives the last one), without another insmod.
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

enum splat_action { SPLAT_NONE, SPLAT_WARN, SPLAT_OOPS, SPLAT_BUG, SPLAT_PANIC };

static const char *const action_names[] = { "none", "warn", "oops", "bug", "panic" };

static int action = SPLAT_NONE;
/* Before init, a parameter only records the action: init does it. */
static bool initialized;

/*
 * A pointer the compiler cannot prove NULL, so the write is really made
 * and faults (a plain "*(int *)NULL = 0" may be turned into a trap).
 */
static int *volatile nowhere;

static noinline void splat(int what)
{
	switch (what) {
	case SPLAT_WARN:
		WARN(1, "splat: warning on demand\n");
		break;
	case SPLAT_OOPS:
		pr_info("splat: writing through a NULL pointer\n");
		*nowhere = 1;
		break;
	case SPLAT_BUG:
		BUG();
		break;
	case SPLAT_PANIC:
		panic("splat: panic on demand");
	}
}

static int set_action(const char *value, const struct kernel_param *kp)
{
	int which = sysfs_match_string(action_names, value);

	if (which < 0)
		return -EINVAL;
	action = which;
	if (initialized)
		splat(which);
	return 0;
}

static int get_action(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%s\n", action_names[action]);
}

static const struct kernel_param_ops action_ops = {
	.set = set_action,
	.get = get_action,
};
module_param_cb(action, &action_ops, NULL, 0644);
MODULE_PARM_DESC(action, "none, warn, oops, bug or panic: what to do now");

static int __init splat_init(void)
{
	initialized = true;
	splat(action);
	return 0;
}

static void __exit splat_exit(void)
{
}

module_init(splat_init);
module_exit(splat_exit);
MODULE_DESCRIPTION("A kernel warning, oops or panic on demand, for tests");
MODULE_LICENSE("GPL");
