"""`--format json`: the schema documented in docs/usage.md, stable for scripts."""

from __future__ import annotations

from typing import TextIO

from golint_resilience import jsontext
from golint_resilience.engine import RunResult
from golint_resilience.report.common import ReportOptions


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write findings and errors as one JSON document."""
    document = {
        "tool": "resilint",
        "version": options.version,
        "findings": [
            {
                "rule": f.rule_id,
                "name": f.rule_name,
                "severity": f.severity.value,
                "path": f.path,
                "line": f.span.line,
                "column": f.span.column,
                "end_line": f.span.end_line,
                "end_column": f.span.end_column,
                "message": f.message,
                "fingerprint": f.fingerprint,
                "suppressed": f.suppressed,
            }
            for f in result.findings
        ],
        "errors": [{"path": e.path, "message": e.message} for e in result.file_errors]
        + [
            {"path": e.path, "message": f"internal error in {e.rule_id}: {e.message}"}
            for e in result.tool_errors
        ],
    }
    stream.write(jsontext.dumps(document) + "\n")
