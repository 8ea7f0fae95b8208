"""pytest for lava-job's package (qemu/lava/lavajob), as a tests/run suite:
the runner's conftest (tests/runner/conftest.py) gives each test its
"ok - NAME" line; the package and the runner's are on the path."""
import importlib.util
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(TOP, "qemu", "lava"), os.path.join(TOP, "qemu")]
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

_spec = importlib.util.spec_from_file_location("runner_conftest", os.path.join(TOP, "tests", "runner", "conftest.py"))
_runner = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_runner)
pytest_report_teststatus = _runner.pytest_report_teststatus
pytest_runtest_logreport = _runner.pytest_runtest_logreport
pytest_configure = _runner.pytest_configure
