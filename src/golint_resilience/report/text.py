"""`--format text`: findings grouped by file with a code frame, then a summary per rule.

Everything from a source file goes through `printable` and rich `Text` objects, so
neither markup (`[bold]`) nor control characters in Go code can reach the terminal.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from golint_resilience.analysis.roles import role_summary
from golint_resilience.model import Finding, RunResult, Severity
from golint_resilience.report import common, terminal
from golint_resilience.report.common import ReportOptions, fix_summary, fixable, printable

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}
_TAB = 4
_FRAME_LEAD = 80  # characters of a long line shown around the span
_FRAME_SPAN = 120  # flagged characters shown at most


def _frame(finding: Finding) -> Text:
    """The flagged line with a caret under the span (tabs expanded, wide characters counted).

    The line is cut into before / flagged / after on the raw text, then each part is
    made printable, so escapes of control characters cannot shift the caret; a long
    line (minified or generated code) is shown as a window around the span.
    """
    raw = finding.snippet
    number = str(finding.span.line)
    gutter = " " * len(number)
    column = min(finding.span.column - 1, len(raw))
    end = finding.span.end_column - 1 if finding.span.end_line == finding.span.line else len(raw)
    end = max(min(end, len(raw)), column + 1)
    before, flagged, after = raw[:column], raw[column:end], raw[end:]
    if len(before) > _FRAME_LEAD:
        before = "…" + before[-_FRAME_LEAD:]
    if len(flagged) > _FRAME_SPAN:
        flagged, after = flagged[:_FRAME_SPAN] + "…", ""
    if len(after) > _FRAME_LEAD:
        after = after[:_FRAME_LEAD] + "…"
    before, flagged, after = (_visible(part) for part in (before, flagged, after))
    frame = Text()
    frame.append(f" {gutter} |\n", style="blue")
    frame.append(f" {number} | ", style="blue")
    frame.append(before + flagged + after)
    frame.append(f"\n {gutter} | ", style="blue")
    frame.append(" " * cell_len(before) + "^" * max(1, cell_len(flagged)), style=_STYLE[finding.severity])
    return frame


def _visible(text: str) -> str:
    return printable(text).replace("\t", " " * _TAB)


def _headline(finding: Finding, options: ReportOptions) -> Text:
    text = Text()
    text.append(printable(finding.path), style="bold")
    text.append(f":{finding.span.line}:{finding.span.column}: ")
    text.append(finding.rule_id, style=_STYLE[finding.severity])
    if fixable(finding, options):
        text.append(" [*]", style="bold")
    text.append(f" [{finding.severity.value}] ")
    text.append(printable(finding.message))
    return text


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write the human report."""
    console = terminal.console(stream, options.color, markup=False, emoji=False, soft_wrap=True)
    shown = common.shown(result)
    for _path, group in groupby(shown, key=lambda f: f.path):
        for finding in group:
            console.print(_headline(finding, options))
            if not options.quiet:
                console.print(_frame(finding))
                for related in finding.related:
                    console.print(
                        Text(
                            f"  = {printable(related.path)}:{related.span.line}: {printable(related.message)}"
                        )
                    )
                console.print()
    for error in result.file_errors:
        console.print(Text(f"warning: {printable(error.path)}: {printable(error.message)}", style="yellow"))
    for tool_error in result.tool_errors:
        console.print(
            Text(
                f"internal error in {tool_error.rule_id} on {printable(tool_error.path)}: "
                f"{printable(tool_error.message)} — please report it with the output of --debug",
                style="bold red",
            )
        )
    if options.quiet:
        return
    if shown:
        _summary(console, shown, options)
    suppressed = len(result.findings) - len(shown)
    files = "file" if result.files == 1 else "files"
    if shown:
        summary = f"Found {len(shown)} finding{'s' if len(shown) != 1 else ''} in {result.files} {files}"
    else:
        summary = f"No findings in {result.files} {files}"
    hidden = [f"{suppressed} suppressed inline"] if suppressed else []
    if result.baselined:
        hidden.append(f"{result.baselined} known to the baseline")
    if hidden:
        summary += f" ({', '.join(hidden)})"
    console.print(Text(summary + ".", style="bold"))
    left_out = role_summary(result.packages_left_out, result.left_out)
    if left_out:
        console.print(Text(left_out))
    for note in result.notes:
        console.print(Text(f"note: {printable(note)}."))
    fixes = fix_summary(shown, options)
    if fixes:
        console.print(Text(f"[*] {fixes}.", style="bold"))


def _summary(console: Console, findings: list[Finding], options: ReportOptions) -> None:
    table = Table(title=None, show_edge=False, pad_edge=False, box=None)
    table.add_column("rule")
    table.add_column("name")
    table.add_column("severity")
    table.add_column("count", justify="right")
    for rule_id, count in common.rule_counts(findings):
        spec = options.catalog[rule_id]
        table.add_row(rule_id, spec.name, spec.severity.value, str(count))
    console.print(table)
    console.print()
