"""`--format rdjson`: reviewdog's Diagnostic Format as one JSON document (`reviewdog -f=rdjson`).

The format is the `DiagnosticResult` message of reviewdog's
https://github.com/reviewdog/reviewdog/blob/master/proto/rdf/reviewdog.proto (documented
in proto/rdf/README.md there). A range's columns are 1-based counts of UTF-8 bytes and
its end is exclusive, so character columns are converted with the file's text (a file
gone since the analysis keeps character columns). Paths are as findings name them,
relative to the working directory, where reviewdog runs. Inline-suppressed findings are
left out. A finding's fix becomes the diagnostic's `suggestions`, which reviewdog posts as
suggested changes that a reviewer applies or not, so unsafe fixes are included too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from golint_resilience import jsontext
from golint_resilience.engine import RunResult
from golint_resilience.model import Finding, Severity
from golint_resilience.report import common
from golint_resilience.report.common import INFORMATION_URI, ReportOptions

SOURCE = {"name": "resilint", "url": INFORMATION_URI}
_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.NOTE: "INFO"}


class _ByteColumns:
    """Character columns as UTF-8 byte columns, each file read once."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def column(self, path: str, line: int, column: int) -> int:
        if path not in self._lines:
            try:
                self._lines[path] = Path(path).read_bytes().decode("utf-8", "replace").split("\n")
            except OSError:
                self._lines[path] = None
        lines = self._lines[path]
        if lines is None or not 0 < line <= len(lines):
            return column
        return len(lines[line - 1][: column - 1].encode("utf-8")) + 1


def _range(columns: _ByteColumns, path: str, start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    """A reviewdog Range from (line, character column) positions, the end exclusive."""
    return {
        "start": {"line": start[0], "column": columns.column(path, *start)},
        "end": {"line": end[0], "column": columns.column(path, *end)},
    }


def _diagnostic(finding: Finding, columns: _ByteColumns) -> dict[str, Any]:
    span = finding.span
    return {
        "message": finding.message,
        "location": {
            "path": finding.path,
            "range": _range(
                columns, finding.path, (span.line, span.column), (span.end_line, span.end_column)
            ),
        },
        "severity": _SEVERITY[finding.severity],
        "code": {"value": finding.rule_id, "url": common.rule_url(finding.rule_id)},
    } | ({"suggestions": suggestions(finding)} if finding.fix is not None else {})


def suggestions(finding: Finding) -> list[dict[str, Any]]:
    """The fix's edits as rdjson suggestions; their byte columns were taken from the source."""
    if finding.fix is None:
        return []
    return [
        {
            "range": {
                "start": {"line": e.span.line, "column": e.byte_columns[0]},
                "end": {"line": e.span.end_line, "column": e.byte_columns[1]},
            },
            "text": e.text,
        }
        for e in finding.fix.edits
    ]


def write(result: RunResult, stream: TextIO, _options: ReportOptions) -> None:
    """Write the DiagnosticResult (no report option applies to it)."""
    columns = _ByteColumns()
    document = {
        "source": SOURCE,
        "diagnostics": [_diagnostic(finding, columns) for finding in common.shown(result)],
    }
    stream.write(jsontext.dumps(document))
    stream.write("\n")
