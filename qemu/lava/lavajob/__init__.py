"""lava-job and lava-local as a package: one module per duty (see
docs/lava.md). qemu/lava/lava-job and qemu/lava/lava-local call it."""
