/* command.h - running a host program and taking its standard output
 * (busybox --list-full, ldconfig -p, the loader's --help). */
#ifndef MKROOTFS_COMMAND_H
#define MKROOTFS_COMMAND_H

/* Run argv[0] (a path, or a name looked up in PATH) with its standard
 * error on /dev/null when quiet, and return everything it wrote on
 * standard output (malloc'd, NUL-terminated). NULL when it could not run
 * or did not exit 0: reported as "running ARGV...: why" unless quiet. */
char *command_output(char *const argv[], int quiet);

#endif
