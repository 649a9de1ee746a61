"""`--format rdjson`: reviewdog's Diagnostic Format as one JSON document (`reviewdog -f=rdjson`).

The format is the `DiagnosticResult` message of reviewdog's
https://github.com/reviewdog/reviewdog/blob/master/proto/rdf/reviewdog.proto (documented
in proto/rdf/README.md there). A range's columns are 1-based counts of UTF-8 bytes and
its end is exclusive: findings carry their spans' byte columns, taken while the analysis
had the file's bytes. Paths are as findings name them,
relative to the working directory, where reviewdog runs. Inline-suppressed findings are
left out. A finding's fix becomes the diagnostic's `suggestions`, which reviewdog posts as
suggested changes that a reviewer applies or not, so unsafe fixes are included too.
"""

from __future__ import annotations

from typing import Any, TextIO

from golint_resilience.model import Finding, RunResult, Severity, Span
from golint_resilience.report import common, jsontext
from golint_resilience.report.common import INFORMATION_URI, ReportOptions

SOURCE = {"name": "resilint", "url": INFORMATION_URI}
_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.NOTE: "INFO"}


def _range(span: Span) -> dict[str, Any]:
    """A reviewdog Range: 1-based UTF-8 byte columns, the end exclusive."""
    return {
        "start": {"line": span.line, "column": span.byte_column},
        "end": {"line": span.end_line, "column": span.byte_end_column},
    }


def _diagnostic(finding: Finding) -> dict[str, Any]:
    return {
        "message": finding.message,
        "location": {"path": finding.path, "range": _range(finding.span)},
        "severity": _SEVERITY[finding.severity],
        "code": {"value": finding.rule_id, "url": common.rule_url(finding.rule_id)},
    } | ({"suggestions": suggestions(finding)} if finding.fix is not None else {})


def suggestions(finding: Finding) -> list[dict[str, Any]]:
    """The fix's edits as rdjson suggestions."""
    if finding.fix is None:
        return []
    return [{"range": _range(e.span), "text": e.text} for e in finding.fix.edits]


def write(result: RunResult, stream: TextIO, _options: ReportOptions) -> None:
    """Write the DiagnosticResult (no report option applies to it)."""
    document = {
        "source": SOURCE,
        "diagnostics": [_diagnostic(finding) for finding in common.shown(result)],
    }
    stream.write(jsontext.dumps(document))
    stream.write("\n")
