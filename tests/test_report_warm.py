"""The report imports its renderer on a second thread while the store is read."""

from __future__ import annotations

import importlib
import importlib.util

from mktplan.cli import report_commands


def test_every_format_names_its_renderer_modules_and_they_exist() -> None:
    assert set(report_commands._RENDERER_MODULES) == set(report_commands.ReportFormatOption)
    for modules in report_commands._RENDERER_MODULES.values():
        for name in modules:
            assert importlib.util.find_spec(name) is not None, name


def test_a_module_that_fails_to_import_is_left_to_the_renderer() -> None:
    """The warm-up never raises: the main thread's own import reports the failure."""
    report_commands._import_quietly(("mktplan.no_such_renderer", "mktplan.render.json"))
    assert importlib.import_module("mktplan.render.json")
