/* Stage 1's root device: wait for what root= names to appear (the kernel's
 * rootwait, bounded by minroot.rootwait), then mount it the way the kernel
 * would: rootfstype= or each block file system it has, rootflags=, ro/rw. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define POLL_MS 10

static bool root_present(const struct root_options *r, char *dev, size_t size)
{
	const char *what;
	struct stat st;
	if (root_kind_of(r->root, &what) == ROOT_UUID)
		return find_block_device_by_uuid(what, dev, size);
	device_path(what, dev, size);
	return stat(dev, &st) == 0 && S_ISBLK(st.st_mode);
}

struct name_list {
	char *buf;
	size_t size;
};

static bool add_name(int dirfd, const char *name, unsigned char type, void *ctx)
{
	(void)dirfd, (void)type;
	struct name_list *l = ctx;
	size_t len = strlen(l->buf);
	format(l->buf + len, l->size - len, "%s%s", len ? " " : "", name);
	return false;
}

bool wait_for_root(const struct root_options *r, const char *loaded, char *dev, size_t size)
{
	const char *what;
	if (root_kind_of(r->root, &what) == ROOT_UNSUPPORTED) {
		complain("error: stage 1: root=%s: not /dev/NAME or UUID=...", r->root);
		return false;
	}
	long long deadline = monotonic_ms() + r->wait_s * 1000LL;
	while (!root_present(r, dev, size)) {
		if (monotonic_ms() >= deadline) {
			char devices[256] = "";
			struct name_list l = { devices, sizeof devices };
			for_each_block_device(add_name, &l);
			complain("error: stage 1: root never appeared: root=%s, waited %u s; "
				 "modules loaded: %s; block devices: %s", r->root, r->wait_s,
				 *loaded ? loaded : "none", *devices ? devices : "none");
			return false;
		}
		sleep_ms(POLL_MS);
	}
	return true;
}

/* /proc/filesystems: "nodev\tproc" for virtual ones, "\text4" for the rest. */
static bool mount_any_type(const char *dev, const char *target, unsigned long flags,
			   const char *data)
{
	static char list[4096];
	if (!read_small_file("/proc/filesystems", list, sizeof list))
		return false;
	for (char *rest = list, *line; (line = next_line(&rest));) {
		if (*line == '\t' && mount(dev, target, line + 1, flags, data) == 0)
			return true;
	}
	return false;
}

bool mount_root(const struct root_options *r, const char *dev, const char *target)
{
	unsigned long flags = r->read_only ? MS_RDONLY : 0;
	const char *data = *r->flags ? r->flags : NULL;
	mkdir(target, 0755); /* if that fails, mount says why */
	long long deadline = monotonic_ms() + r->wait_s * 1000LL;
	for (;;) {
		if (*r->fstype ? mount(dev, target, r->fstype, flags, data) == 0
			       : mount_any_type(dev, target, flags, data))
			return true;
		/* ENXIO: the node is there before the driver is done with the
		 * disk (a driver that probes asynchronously, as NVMe's does). */
		if (errno != ENXIO || monotonic_ms() >= deadline)
			break;
		sleep_ms(POLL_MS);
	}
	complain_errno("error: stage 1: mount root %s (%s) on %s", dev,
		       *r->fstype ? r->fstype : "each type in /proc/filesystems", target);
	return false;
}
