"""pytest configuration for the crm_extension tests.

A browser tour that cannot start Chromium must fail, not be skipped: Odoo's HttpCase
raises SkipTest when the browser is missing or does not answer.
"""

import pytest

from odoo.tests.common import HttpCase


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cls = getattr(item, "cls", None)
    if report.skipped and cls is not None and issubclass(cls, HttpCase):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Browser tour could not run: {reason}"
