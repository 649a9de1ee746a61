"""Reporters: each formats a RunResult for one output format and decides nothing.

A run imports only the reporter it uses: `reporter("json")` never loads rich, which the
text reporter needs and which costs more than a warm run's whole analysis.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from golint_resilience.model import RunResult
from golint_resilience.report.common import ReportOptions

Reporter = Callable[[RunResult, TextIO, ReportOptions], None]

# format → (module of this package, its function)
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("text", "write"),
    "json": ("json_report", "write"),
    "sarif": ("sarif", "write"),
    "github": ("github", "write"),
    "markdown": ("markdown", "write"),
    "gitlab": ("gitlab", "write"),
    "rdjson": ("rdjson", "write"),
}

# `--statistics` replaces the report with counts per rule, in these formats.
STATISTICS_FORMATS: dict[str, tuple[str, str]] = {
    "text": ("statistics", "write_text"),
    "json": ("statistics", "write_json"),
}


def reporter(output_format: str, *, statistics: bool = False) -> Reporter:
    """The function that writes `output_format` (a key of FORMATS, or of STATISTICS_FORMATS)."""
    module, function = (STATISTICS_FORMATS if statistics else FORMATS)[output_format]
    found: Reporter = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return found


__all__ = ["FORMATS", "STATISTICS_FORMATS", "ReportOptions", "Reporter", "reporter"]
