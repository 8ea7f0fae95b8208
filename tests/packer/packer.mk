# tests/packer/packer.mk - mkrootfs as an unprivileged user, its images
# checked with e2fsprogs and cpio (no VM). Included by the top Makefile.
SUITES_packer += tests/packer/image.sh tests/packer/repro.sh tests/packer/cpio.sh \
	tests/packer/update.sh tests/packer/badinput.sh tests/packer/modules.sh \
	tests/packer/links.sh tests/packer/cpio-update.sh tests/packer/addlist.sh
# Host programs into an image (--add-program), an image's files back out
# (--copy-out).
SUITES_programs += tests/packer/program.sh tests/packer/copyout.sh
# mkrootfs's choice of architecture and busybox.
SUITES_arch += tests/packer/arch.sh
# --modules and -t initrd are checked on Debian's standard kernel's modules
# (make kernel-generic, qemu/kernel/kernel.mk).
TEST_DEPS += $(BUILD)/mkrootfs $(BUILD)/init $(BUILD)/modules-generic \
	$(ARCHES:%=$(BUILD)/%/init)
