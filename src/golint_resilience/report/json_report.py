"""`--format json`, stable for scripts: docs/usage.md and docs/schemas/report.schema.json."""

from __future__ import annotations

from typing import Any, TextIO

from golint_resilience.model import Fix, RunResult
from golint_resilience.report import jsontext
from golint_resilience.report.common import ReportOptions


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    """The edits (byte offsets into the file as read, and the same region in characters)."""
    if fix is None:
        return None
    return {
        "description": fix.description,
        "safe": fix.safe,
        "edits": [
            {
                "start_byte": e.start,
                "end_byte": e.end,
                "line": e.span.line,
                "column": e.span.column,
                "end_line": e.span.end_line,
                "end_column": e.span.end_column,
                "text": e.text,
            }
            for e in fix.edits
        ],
    }


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
                "role": f.role or None,
                "fix": _fix(f.fix),
                **(
                    {
                        "related": [
                            {"path": r.path, "line": r.span.line, "message": r.message} for r in f.related
                        ]
                    }
                    if f.related
                    else {}
                ),
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
