"""A finding's fix as reviewdog rdjson `suggestions`, for the rdjson reporter.

reviewdog posts each suggestion as a pull-request "suggested change", which a reviewer
applies or not, so unsafe fixes are included too. rdjson positions are 1-based lines and
columns counted in UTF-8 bytes (its `Position` message), hence `Edit.byte_columns`.
"""

from __future__ import annotations

from typing import Any

from golint_resilience.model import Finding


def rdjson_suggestions(finding: Finding) -> list[dict[str, Any]]:
    """The `suggestions` of the finding's rdjson diagnostic (empty without a fix)."""
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
