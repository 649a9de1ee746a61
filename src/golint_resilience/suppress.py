"""Inline suppressions: `//resilint:ignore RES201 reason` and golangci-lint's `//nolint`.

A directive silences matching findings on its own line (trailing comment) or, when it
stands alone on a line, on the next line. Suppressed findings are kept and marked, so
JSON and SARIF can show them; the text report only counts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_IGNORE = re.compile(r"//\s*resilint:ignore\s+([A-Za-z0-9_,]+)[ \t]*(.*)$")
_NOLINT = re.compile(r"//\s*nolint(?::([\w,\-]+))?(?:\s*//\s*(.*))?")


@dataclass(frozen=True)
class Directive:
    """One suppression comment: which rule ids (prefixes) it covers, and why."""

    selectors: tuple[str, ...]  # rule ids or prefixes; empty: every rule
    reason: str

    def covers(self, rule_id: str) -> bool:
        """Does the directive silence this rule?"""
        return not self.selectors or any(rule_id.startswith(s) for s in self.selectors)


def parse_directive(line: str) -> Directive | None:
    """The directive in a source line, if any."""
    match = _IGNORE.search(line)
    if match:
        selectors = tuple(s.upper() for s in match.group(1).split(",") if s)
        return Directive(selectors, match.group(2).strip())
    match = _NOLINT.search(line)
    if match:
        names = [n.strip() for n in (match.group(1) or "").split(",") if n.strip()]
        if not names:
            return Directive((), (match.group(2) or "").strip())
        ours = tuple(n.upper() for n in names if n.lower() == "resilint" or n.upper().startswith("RES"))
        if not ours:
            return None  # other linters' names do not silence resilint
        selectors = () if any(n == "RESILINT" for n in ours) else ours
        return Directive(selectors, (match.group(2) or "").strip())
    return None


def find_suppression(
    rule_id: str, line: int, line_text: Callable[[int], str], line_count: int
) -> Directive | None:
    """The directive silencing `rule_id` at `line` (1-based): on the line, or alone just above."""
    if 0 < line <= line_count:
        directive = parse_directive(line_text(line))
        if directive is not None and directive.covers(rule_id):
            return directive
    if 1 < line <= line_count + 1:
        above = line_text(line - 1)
        if above.lstrip().startswith("//"):
            directive = parse_directive(above)
            if directive is not None and directive.covers(rule_id):
                return directive
    return None
