"""`--format json`: the schema documented in docs/usage.md, stable for scripts."""

from __future__ import annotations

import json
from typing import TextIO

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
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
