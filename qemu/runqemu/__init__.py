"""run-qemu as a package: one module per seam of a run (see docs/runner.md,
"How run-qemu is built"). qemu/run-qemu finds it and calls main.main."""
