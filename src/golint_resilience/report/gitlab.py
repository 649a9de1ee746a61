"""`--format gitlab`: a GitLab code quality report (`artifacts: reports: codequality`).

The format is documented at
https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format (a subset of
Code Climate's issue format): a JSON array of issues, each with `description`,
`check_name`, `fingerprint`, `severity` and a `location` whose path is relative to the
repository root (`--sarif-root`). GitLab's five severities get resilint's three: error is
critical, warning is major, note is minor. Inline-suppressed findings are left out: GitLab
would show them. Unreadable files and internal errors are not code quality issues; they
still make the exit status 2.
"""

from __future__ import annotations

from typing import Any, TextIO

from golint_resilience.model import Finding, RunResult, Severity
from golint_resilience.report import common, jsontext
from golint_resilience.report.common import ReportOptions
from golint_resilience.report.paths import path_in_root

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "minor"}


def _issue(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    return {
        "description": f"{finding.rule_id} {finding.message}",
        "check_name": f"{finding.rule_id} {finding.rule_name}",
        "fingerprint": finding.fingerprint,
        "severity": _SEVERITY[finding.severity],
        "location": {
            "path": path_in_root(finding.path, options.root),
            "lines": {"begin": finding.span.line, "end": finding.span.end_line},
        },
    }


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write the code quality report."""
    stream.write(jsontext.dumps([_issue(f, options) for f in common.shown(result)]))
    stream.write("\n")
