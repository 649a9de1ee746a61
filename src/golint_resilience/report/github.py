"""`--format github`: GitHub Actions workflow commands, which become inline annotations.

`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`, one line per
finding. Workflow commands cannot carry a suggested change: the title says when
`resilint --fix` repairs the finding. GitHub's escaping (actions/toolkit): in the message
`%`, CR and LF; in property values also `:` and `,`. With it, nothing a source file puts
into a message (a newline followed by `::stop-commands::`, say) can start a command of its
own. Paths are relative to the repository root (`--sarif-root`), as annotations require.
Control characters are shown as escapes first (`printable`), as in the text report: the
log is read on a terminal.
"""

from __future__ import annotations

import re
from typing import TextIO

from golint_resilience.model import Finding, RunResult, Severity
from golint_resilience.report.common import ReportOptions, fixable, printable
from golint_resilience.report.paths import path_in_root

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
_LINE = re.compile(r"[^\r\n]+")
_DATA_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def _shown(text: str) -> str:
    """Control characters as escapes, except line breaks: GitHub's escaping encodes those."""
    return _LINE.sub(lambda m: printable(m.group()), text)


def escape_data(text: str) -> str:
    """A command's message, after `::`."""
    return text.translate(_DATA_ESCAPES)


def escape_property(text: str) -> str:
    """A property value, between `key=` and the next `,` or `::`."""
    return text.translate(_PROPERTY_ESCAPES)


def command(name: str, message: str, **properties: str | int) -> str:
    """One workflow command line, escaped."""
    props = ",".join(f"{key}={escape_property(_shown(str(value)))}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(_shown(message))}"


def _annotation(finding: Finding, options: ReportOptions) -> str:
    span = finding.span
    return command(
        _COMMAND[finding.severity],
        finding.message,
        file=path_in_root(finding.path, options.root),
        line=span.line,
        col=span.column,
        endLine=span.end_line,
        endColumn=span.end_column,
        title=f"{finding.rule_id} {finding.rule_name}"
        + (" (resilint --fix repairs it)" if fixable(finding, options) else ""),
    )


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write one workflow command per finding, file problem and internal error."""
    for finding in result.findings:
        if not finding.suppressed:
            stream.write(_annotation(finding, options) + "\n")
    for error in result.file_errors:
        stream.write(command("warning", f"{error.path}: {error.message}", title="resilint") + "\n")
    for tool_error in result.tool_errors:
        message = f"internal error in {tool_error.rule_id} on {tool_error.path}: {tool_error.message}"
        stream.write(command("error", message, title="resilint internal error") + "\n")
