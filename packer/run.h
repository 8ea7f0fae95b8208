/* run.h - running a host program (searched in PATH) and taking what it
 * prints: for busybox's applets, depmod and modprobe, the loader's paths,
 * apt-get. If a signal ends mkrootfs meanwhile, the program is killed
 * before the temporary files are removed (output.h). */
#ifndef MKROOTFS_RUN_H
#define MKROOTFS_RUN_H

/* Run argv (argv[0] searched in PATH) and return its standard output
 * (malloc'd); what names it in messages. NULL after reporting when it
 * could not run or did not exit 0. With err_text (and code), its standard
 * error is kept in *err_text (malloc'd) instead of shown, and how it ended
 * goes to *code (exit status, or 128 + signal) for the caller to judge. */
char *run_program(char *const argv[], const char *what, char **err_text, int *code);

#endif
