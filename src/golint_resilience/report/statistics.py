"""`--statistics`: how many findings each rule has, most frequent first (like ruff's).

Text is one line per rule, `count  id  severity  name`, aligned; JSON is an array of
`{"rule", "name", "severity", "count"}`. Findings silenced inline are not counted.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from golint_resilience.model import RunResult
from golint_resilience.report import common
from golint_resilience.report.common import ReportOptions


def rows(result: RunResult, options: ReportOptions) -> list[dict[str, Any]]:
    """One row per rule with findings: the most frequent first, ties in rule-id order."""
    counts = sorted(common.rule_counts(common.shown(result)), key=lambda item: -item[1])
    return [
        {
            "rule": rule_id,
            "name": options.catalog[rule_id].name,
            "severity": options.catalog[rule_id].severity.value,
            "count": count,
        }
        for rule_id, count in counts
    ]


def write_text(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write the counts as aligned columns."""
    table = rows(result, options)
    width = max((len(str(row["count"])) for row in table), default=0)
    severity_width = max((len(row["severity"]) for row in table), default=0)
    for row in table:
        stream.write(
            f"{row['count']:>{width}}  {row['rule']}  {row['severity']:<{severity_width}}  {row['name']}\n"
        )


def write_json(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write the counts as a JSON array."""
    json.dump(rows(result, options), stream, indent=2)
    stream.write("\n")
