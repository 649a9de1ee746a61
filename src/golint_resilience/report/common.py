"""What every reporter shares: options, the findings to show, counts, terminal-safe text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from golint_resilience.catalog.specs import RuleSpec
from golint_resilience.golang.repository import default_root
from golint_resilience.model import Finding, RunResult

INFORMATION_URI = "https://github.com/resilint/resilint"
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ReportOptions:
    """How to render: colour, verbosity, the catalog for rule metadata, GitHub settings.

    `root` is the directory SARIF and GitHub annotation paths are relative to (the
    repository's top level); `sarif_category` becomes `automationDetails.id` ("" leaves
    it to the uploader); `sarif_suppressed` keeps inline-suppressed findings in SARIF;
    `unsafe_fixes` counts fixes that need a review as fixable.
    """

    catalog: dict[str, RuleSpec]
    version: str
    color: bool = False
    quiet: bool = False
    root: Path = field(default_factory=lambda: default_root(Path.cwd()))
    sarif_category: str = "resilint/"
    sarif_suppressed: bool = False
    unsafe_fixes: bool = False


def printable(text: str) -> str:
    """Text safe for a terminal: control and bidi characters shown as escapes, never run."""
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}", text
    )


def shown(result: RunResult) -> list[Finding]:
    """The findings a report shows: all but those silenced inline."""
    return [finding for finding in result.findings if not finding.suppressed]


def rule_counts(findings: list[Finding]) -> list[tuple[str, int]]:
    """How many findings each rule has, in rule-id order."""
    return sorted(Counter(finding.rule_id for finding in findings).items())


def rule_url(rule_id: str) -> str:
    """The web page of a rule's documentation."""
    return f"{INFORMATION_URI}/blob/main/docs/rules/{rule_id}.md"


def fixable(finding: Finding, options: ReportOptions) -> bool:
    """Would `--fix` (with `--unsafe-fixes` when given) repair this finding?"""
    return finding.fix_applies(unsafe=options.unsafe_fixes)


def fix_summary(findings: list[Finding], options: ReportOptions) -> str:
    """A line like `3 fixable with resilint --fix (1 more with --unsafe-fixes)`; "" if none is."""
    command = "resilint --fix --unsafe-fixes" if options.unsafe_fixes else "resilint --fix"
    count = sum(fixable(f, options) for f in findings)
    more = 0 if options.unsafe_fixes else sum(f.fix_applies(unsafe=True) for f in findings) - count
    if not count and not more:
        return ""
    return f"{count} fixable with `{command}`" + (f" ({more} more with `--unsafe-fixes`)" if more else "")
