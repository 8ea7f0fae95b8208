/* The limit image's /sbin/init: power the machine off at once. Booting an
 * image with this as PID 1 measures what no init can beat on the same kernel,
 * disk and QEMU flags: kernel start-up, mounting the root, and power-off. */
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	reboot(RB_POWER_OFF);
	/* Only reached if reboot(2) failed; returning would make the kernel
	 * panic, which the benchmark notices on the console and reports. */
	return 1;
}
