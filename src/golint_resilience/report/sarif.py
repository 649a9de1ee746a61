"""`--format sarif`: one SARIF 2.1.0 run that GitHub code scanning accepts and displays well.

What GitHub reads, and why each property looks the way it does, is in docs/github.md.
In short: rule descriptors come from rules/; results carry a repository-relative,
percent-encoded URI under `%SRCROOT%`, a region in UTF-16 code units, and the
`primaryLocationLineHash` upload-sarif would compute; inline-suppressed findings are left
out unless asked for, because GitHub ignores `suppressions` and would open alerts for them.
The output is ASCII (non-ASCII escaped), so no encoding or BOM can get in the way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from golint_resilience.catalog.docs import render_markdown, suppression_hint
from golint_resilience.catalog.specs import RuleSpec
from golint_resilience.model import (
    FileError,
    Finding,
    Fix,
    RelatedLocation,
    ResilintError,
    RunResult,
    Severity,
    Span,
    ToolError,
)
from golint_resilience.report.common import INFORMATION_URI, ReportOptions, rule_url
from golint_resilience.report.paths import path_in_root, uri_reference

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
DESCRIPTION_LIMIT = 1024  # GitHub's maximum for shortDescription and fullDescription
FINGERPRINT_KEY = "resilint/v1"
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "recommendation"}


def _plain(text: str) -> str:
    """Docs prose as one paragraph (the TOML wraps lines)."""
    return " ".join(text.split())


def clip(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` cut to at most `limit` characters, at the end of a sentence when there is one."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    end = head.rfind(". ")
    if end > 0:
        return head[: end + 1]
    return head[: head.rfind(" ")].rstrip() + "…"


def _help_text(spec: RuleSpec) -> str:
    """The rule's documentation as plain text, for viewers that do not render Markdown."""
    docs = spec.docs
    sections = [
        ("What it flags", docs.what),
        ("Why it matters", docs.why),
        ("What it leaves alone", docs.allowed),
        ("How to fix it", docs.fix),
        ("Automatic fix", docs.autofix),
        ("Limitations", docs.limitations),
    ]
    parts = [f"{spec.id} {spec.name}: {spec.summary}."]
    parts += [f"{title}: {_plain(body)}" for title, body in sections if body]
    parts.append(suppression_hint(spec))
    return "\n\n".join(parts)


def rule_descriptor(spec: RuleSpec) -> dict[str, Any]:
    """The reportingDescriptor of a rule: everything GitHub shows next to an alert."""
    properties: dict[str, Any] = {
        "tags": list(spec.tags),
        "precision": spec.precision,
        "problem.severity": _PROBLEM_SEVERITY[spec.severity],
    }
    if spec.security_severity is not None:
        properties["security-severity"] = spec.security_severity
    return {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": clip(spec.summary + ".")},
        "fullDescription": {"text": clip(f"{_plain(spec.docs.what)} {_plain(spec.docs.why)}")},
        "help": {
            "text": _help_text(spec),
            "markdown": render_markdown(spec),
        },
        "helpUri": rule_url(spec.id),
        "defaultConfiguration": {"level": spec.severity.value},
        "properties": properties,
    }


def automation_id(category: str) -> str | None:
    """`automationDetails.id` for a category: GitHub reads everything before the last '/'."""
    if not category:
        return None
    return category if category.endswith("/") else category + "/"


def _artifact(relative: str) -> dict[str, str]:
    return {"uri": uri_reference(relative), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.utf16_column,
        "endLine": span.end_line,
        "endColumn": span.utf16_end_column,
    }


def _related(position: int, related: RelatedLocation, root: Path) -> dict[str, Any]:
    """A related location (a deployment finding's Go code): its line, and what it shows."""
    return {
        "id": position,
        "physicalLocation": {
            "artifactLocation": _artifact(path_in_root(related.path, root)),
            "region": _region(related.span),
        },
        "message": {"text": related.message},
    }


def _result(
    finding: Finding,
    relative: str,
    rule_index: int,
    with_suppressions: bool,
    root: Path,
) -> dict[str, Any]:
    span = finding.span
    fingerprints = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.line_hash is not None:
        fingerprints["primaryLocationLineHash"] = finding.line_hash
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(relative),
                    "region": _region(span),
                }
            }
        ],
        "partialFingerprints": dict(sorted(fingerprints.items())),
    }
    if finding.role:
        result["properties"] = {"role": finding.role}
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.fix, relative)]
    if finding.related:
        result["relatedLocations"] = [
            _related(position, r, root) for position, r in enumerate(finding.related)
        ]
    if with_suppressions:  # SARIF §3.27.23: on every result of the run, or on none
        result["suppressions"] = (
            [{"kind": "inSource", "justification": finding.suppression_reason or "suppressed inline"}]
            if finding.suppressed
            else []
        )
    return result


def _fix(fix: Fix, relative: str) -> dict[str, Any]:
    """A SARIF fix (§3.55): the edits as replacements of regions in UTF-16 columns."""
    review = "" if fix.safe else " (unsafe: review it; resilint --fix --unsafe-fixes applies it)"
    return {
        "description": {"text": fix.description + review},
        "artifactChanges": [
            {
                "artifactLocation": _artifact(relative),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": e.span.line,
                            "startColumn": e.span.utf16_column,
                            "endLine": e.span.end_line,
                            "endColumn": e.span.utf16_end_column,
                        },
                        "insertedContent": {"text": e.text},
                    }
                    for e in fix.edits
                ],
            }
        ],
    }


def _file_notification(error: FileError, root: Path) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": "warning" if error.partial else "error",
        "message": {"text": f"{error.path}: {error.message}."},
    }
    try:
        relative = path_in_root(error.path, root)
    except ResilintError:  # outside the repository: the message still names the file
        return notification
    notification["locations"] = [{"physicalLocation": {"artifactLocation": _artifact(relative)}}]
    return notification


def _tool_notification(error: ToolError, index: dict[str, int]) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": "error",
        "message": {"text": f"Internal error in {error.rule_id} on {error.path}: {error.message}."},
    }
    if error.rule_id in index:
        notification["associatedRule"] = {"id": error.rule_id, "index": index[error.rule_id]}
    return notification


def build_log(result: RunResult, options: ReportOptions) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dictionary."""
    specs = list(options.catalog.values())
    index = {spec.id: position for position, spec in enumerate(specs)}
    results = []
    for finding in result.findings:
        if finding.suppressed and not options.sarif_suppressed:
            continue
        relative = path_in_root(finding.path, options.root)
        results.append(
            _result(finding, relative, index[finding.rule_id], options.sarif_suppressed, options.root)
        )
    results.sort(key=_result_order)
    notifications = [_file_notification(e, options.root) for e in result.file_errors]
    notifications += [_tool_notification(e, index) for e in result.tool_errors]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "resilint",
                "version": options.version,
                "semanticVersion": options.version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(spec) for spec in specs],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The repository root that result paths are relative to."}}
        },
        "columnKind": "utf16CodeUnits",
        "invocations": [
            {
                # Unreadable files are error notifications, but the run itself completed.
                "executionSuccessful": not result.tool_errors,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
    }
    category = automation_id(options.sarif_category)
    if category is not None:
        run["automationDetails"] = {"id": category}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _result_order(result: dict[str, Any]) -> tuple[str, int, int, str, str]:
    location = result["locations"][0]["physicalLocation"]
    region = location["region"]
    return (
        location["artifactLocation"]["uri"],
        region["startLine"],
        region["startColumn"],
        result["ruleId"],
        result["message"]["text"],
    )


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write the SARIF log."""
    json.dump(build_log(result, options), stream, indent=2, ensure_ascii=True)
    stream.write("\n")
