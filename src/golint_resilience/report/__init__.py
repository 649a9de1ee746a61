"""Reporters: each formats a RunResult for one output format and decides nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from golint_resilience.model import RunResult
from golint_resilience.report import github, gitlab, json_report, markdown, rdjson, sarif, statistics, text
from golint_resilience.report.common import ReportOptions

Reporter = Callable[[RunResult, TextIO, ReportOptions], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.write,
    "json": json_report.write,
    "sarif": sarif.write,
    "github": github.write,
    "markdown": markdown.write,
    "gitlab": gitlab.write,
    "rdjson": rdjson.write,
}

# `--statistics` replaces the report with counts per rule, in these formats.
STATISTICS: dict[str, Reporter] = {"text": statistics.write_text, "json": statistics.write_json}

__all__ = ["REPORTERS", "STATISTICS", "ReportOptions", "Reporter"]
