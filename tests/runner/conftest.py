"""pytest for the runner's package (qemu/runqemu), as a tests/run suite:
one "ok - NAME" or "not ok - NAME" line per test (tests/run counts them),
pytest's own report of a failure below it."""
import os
import sys

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "qemu"))
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


@pytest.hookimpl(hookwrapper=True)
def pytest_report_teststatus(report, config):
    """No progress letters: the ok lines below say it all."""
    outcome = yield
    category, _, word = outcome.get_result()
    outcome.force_result((category, "", word))


def pytest_runtest_logreport(report):
    """A test's line once its call is over, or once its setup or teardown
    has failed (a test is reported once)."""
    if report.when == "call" or (report.failed and report.when == "setup") or report.skipped:
        status = {"passed": "ok", "failed": "not ok"}.get(report.outcome, "ok")
        skip = " # SKIP" if report.skipped else ""
        line = f"{status} - {report.nodeid.split('::', 1)[-1]} ({os.path.basename(report.fspath)}){skip}"
    elif report.failed and report.when == "teardown":
        line = f"not ok - {report.nodeid.split('::', 1)[-1]} (teardown)"
    else:
        return
    reporter = _reporter[0]
    if reporter:
        reporter.write_line(line)
    else:
        print(line, flush=True)


_reporter = [None]


def pytest_configure(config):
    _reporter[0] = config.pluginmanager.getplugin("terminalreporter")
