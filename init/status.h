/* The status line of command mode, with the kernel's taint.
 * Pure logic, no system calls: unit tests link it directly. */
#ifndef MINROOT_STATUS_H
#define MINROOT_STATUS_H

#include <stddef.h>

#define STATUS_LINE_MAX 96

/* The decimal number text starts with (0 when none): the value of
 * /proc/sys/kernel/tainted, the console's level in /proc/sys/kernel/printk,
 * a /dev/kmsg record's priority. */
unsigned long parse_decimal(const char *text);

/* "init: exit status N[ taint=LETTERS][ new=LETTERS]\n": taint= names the
 * flags set after the command, new= those that were not set before it, in
 * the letters and order of the kernel's oops header ("PFSRMBUDAWCIOELKXTN",
 * bit 0 first; bits the kernel has no letter for are left out). Returns the
 * length. */
size_t format_status_line(char *buf, size_t size, int code, unsigned long before,
			  unsigned long after);

#endif
