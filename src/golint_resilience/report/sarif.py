"""`--format sarif`: a SARIF 2.1.0 log with rule descriptors generated from rules/."""

from __future__ import annotations

import json
from typing import Any, TextIO
from urllib.parse import quote

from golint_resilience.catalog import RuleSpec
from golint_resilience.docs import render_markdown
from golint_resilience.engine import RunResult
from golint_resilience.model import Finding
from golint_resilience.report.common import ReportOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/resilint/resilint"
_SRCROOT = "%SRCROOT%"


def rule_descriptor(spec: RuleSpec) -> dict[str, Any]:
    """The reportingDescriptor of a rule: everything GitHub shows on an alert's rule."""
    properties: dict[str, Any] = {
        "tags": list(spec.tags),
        "precision": spec.precision,
        "problem.severity": spec.severity.value if spec.severity.value != "note" else "recommendation",
    }
    if "security" in spec.tags:
        properties["security-severity"] = "5.3"
    markdown = render_markdown(spec)
    return {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": " ".join(spec.docs.why.split())[:1024]},
        "help": {
            "text": " ".join(spec.docs.what.split()) + "\n\n" + " ".join(spec.docs.fix.split()),
            "markdown": markdown,
        },
        "defaultConfiguration": {"level": spec.severity.value},
        "properties": properties,
    }


def _uri(path: str) -> str:
    return quote(path, safe="/-._~")


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    span = finding.span
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": _SRCROOT},
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.utf16_column,
                        "endLine": span.end_line,
                        "endColumn": span.utf16_end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {"resilint/v1": finding.fingerprint},
    }
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppression_reason}]
    return result


def write(result: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """Write one SARIF run; inline-suppressed findings are left out (GitHub ignores suppressions)."""
    specs = list(options.catalog.values())
    index = {spec.id: position for position, spec in enumerate(specs)}
    notifications = [
        {"level": "warning", "message": {"text": f"{error.path}: {error.message}"}}
        for error in result.file_errors
    ] + [
        {
            "level": "error",
            "message": {"text": f"internal error in {error.rule_id} on {error.path}: {error.message}"},
        }
        for error in result.tool_errors
    ]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "resilint",
                        "version": options.version,
                        "semanticVersion": options.version,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(spec) for spec in specs],
                    }
                },
                "automationDetails": {"id": "resilint/"},
                "originalUriBaseIds": {_SRCROOT: {"description": {"text": "The directory resilint ran in."}}},
                "columnKind": "utf16CodeUnits",
                "invocations": [
                    {
                        "executionSuccessful": not result.tool_errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": [_result(f, index[f.rule_id]) for f in result.findings if not f.suppressed],
            }
        ],
    }
    json.dump(log, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
