/* libFuzzer target: --update of an initramfs on any bytes (the archive,
 * uncompressed): parsing its entries, the checks, and the new archive
 * written (to /dev/null). The first byte chooses --no-backup. No input may
 * crash it or read out of bounds; whatever it accepts it writes whole. */
#include "fuzz.h"
#include "cpio_update.h"
#include "manifest.h"
#include "util.h"

#include <fcntl.h>
#include <unistd.h>

static struct manifest m;
static int devnull = -1;

/* Our init at /sbin/init and /init, and an --add that replaces /etc/x. */
static void setup(void)
{
	char err[ERRLEN];
	struct entry *e;

	manifest_init(&m);
	manifest_add(&m, E_DIR, "/", 0755, "fuzz");
	e = manifest_add(&m, E_FILE, "/sbin/init", 0755, "fuzz");
	e->data = "init";
	e->size = 4;
	cpio_add_rdinit(&m);
	e = manifest_add(&m, E_FILE, "/etc/x", 0644, "fuzz");
	e->data = "x";
	e->size = 1;
	if (manifest_finish(&m, err) < 0)
		abort();
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0)
		abort();
	verbosity = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (devnull < 0)
		setup();
	if (size < 1)
		return 0;
	cpio_update_bytes((const char *)data + 1, size - 1, &m, data[0] & 1, devnull);
	return 0;
}
