/* copyout.h - --copy-out IMAGE:HOSTDIR: make a host directory match the
 * tree of an ext2/3/4 image (what a guest wrote into a shared directory),
 * without ever following a link on the host. */
#ifndef MKROOTFS_COPYOUT_H
#define MKROOTFS_COPYOUT_H

/* 0 done, 1 after reporting. */
int copyout_run(const char *spec);

#endif
