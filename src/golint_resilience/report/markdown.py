"""`--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` (or a pull-request comment).

A table of counts per rule, then the findings (at most MAX_ROWS, the step summary is
limited to 1 MiB). Source-derived text is escaped so that it cannot become markup.
"""

from __future__ import annotations

import re
from typing import TextIO

from golint_resilience.model import RunResult
from golint_resilience.report import common
from golint_resilience.report.common import ReportOptions, fix_summary, printable

MAX_ROWS = 500
# Characters that can open inline markup or end a table cell; CommonMark lets a backslash
# escape any ASCII punctuation, so this renders them literally.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~&!])")
# What GitHub links on its own: `@user` mentions (and notifies), `#123` references, bare
# `https://…` and `www.…` autolinks. A zero-width space after the trigger (an entity, so
# that it survives editors) leaves the text as it reads, and unlinked.
_AUTOLINK = re.compile(r"(?<=[@#])|(?<=:)(?=//)|(?<=www)(?=\.)", re.IGNORECASE)
_ZERO_WIDTH_SPACE = "&#8203;"


def escape(text: str) -> str:
    """Text shown literally in a Markdown table cell: no markup, no mention, no link."""
    return _AUTOLINK.sub(_ZERO_WIDTH_SPACE, _MARKUP.sub(r"\\\1", printable(text)))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write the summary."""
    shown = common.shown(result)
    suppressed = len(result.findings) - len(shown)
    files = _plural(result.files, "file")
    headline = _plural(len(shown), "finding") if shown else "no findings"
    lines = [f"## resilint: {headline} in {files}", ""]
    if suppressed:
        lines += [f"{_plural(suppressed, 'finding')} suppressed inline.", ""]
    fixes = fix_summary(shown, options)
    if fixes:
        lines += [f"{fixes.capitalize()}.", ""]
    if shown:
        lines += ["| rule | name | severity | count |", "|---|---|---|---:|"]
        for rule_id, count in common.rule_counts(shown):
            spec = options.catalog[rule_id]
            lines.append(f"| {rule_id} | {spec.name} | {spec.severity.value} | {count} |")
        lines += ["", "| location | rule | message |", "|---|---|---|"]
        for finding in shown[:MAX_ROWS]:
            where = escape(f"{finding.path}:{finding.span.line}:{finding.span.column}")
            lines.append(f"| {where} | {finding.rule_id} | {escape(finding.message)} |")
        if len(shown) > MAX_ROWS:
            lines.append(f"| … | | {len(shown) - MAX_ROWS} more: see the full report |")
        lines.append("")
    problems = [f"{e.path}: {e.message}" for e in result.file_errors]
    problems += [f"internal error in {e.rule_id} on {e.path}: {e.message}" for e in result.tool_errors]
    if problems:
        lines += ["### Files not fully analysed", "", *(f"- {escape(p)}" for p in problems), ""]
    stream.write("\n".join(lines))
