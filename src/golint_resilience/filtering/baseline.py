"""Baselines: record today's findings, then report only findings the baseline does not know.

A finding is known by its fingerprint (model.fingerprint: rule, path, enclosing function,
normalised flagged source, occurrence index in that function), so edits that only shift
lines keep matching, while a second identical finding in the same function has a new
occurrence index and is reported. The file is JSON, sorted, one entry per finding, with
the message for reviewers; only the fingerprints are used for matching.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from golint_resilience.golang.repository import repository_path
from golint_resilience.model import Finding, ResilintError
from golint_resilience.report import jsontext

FORMAT_VERSION = 1


def render(findings: list[Finding]) -> str:
    """The baseline file for these findings (inline-suppressed ones are not recorded)."""
    entries = sorted(
        (
            {
                "rule": f.rule_id,
                "path": repository_path(f.path),
                "fingerprint": f.fingerprint,
                "message": f.message,
            }
            for f in findings
            if not f.suppressed
        ),
        key=lambda e: (e["path"], e["rule"], e["message"], e["fingerprint"]),
    )
    document = {"tool": "resilint", "version": FORMAT_VERSION, "findings": entries}
    return jsontext.dumps(document) + "\n"


def load(path: Path) -> Counter[str]:
    """The fingerprints a baseline file records, with their multiplicity."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"baseline {path}: cannot read: {exc.strerror or exc}"
        raise ResilintError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"baseline {path}: not JSON: {exc}"
        raise ResilintError(msg) from exc
    return parse(text, path)


def parse(text: str, path: Path) -> Counter[str]:
    """The fingerprints a baseline's text records (`path`: where it comes from, for messages)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"baseline {path}: not JSON: {exc}"
        raise ResilintError(msg) from exc
    except RecursionError as exc:
        msg = f"baseline {path}: not a resilint baseline: arrays or objects nested too deeply"
        raise ResilintError(msg) from exc
    entries = document.get("findings") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("version") != FORMAT_VERSION
        or not isinstance(entries, list)
        or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries)
    ):
        msg = f"baseline {path}: not a resilint baseline of version {FORMAT_VERSION} (see --write-baseline)"
        raise ResilintError(msg)
    return Counter(e["fingerprint"] for e in entries)


def subtract(findings: list[Finding], known: Counter[str]) -> tuple[list[Finding], int]:
    """The findings the baseline does not know, and how many it knew."""
    remaining = Counter(known)
    kept = []
    hidden = 0
    for finding in findings:
        if not finding.suppressed and remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            hidden += 1
        else:
            kept.append(finding)
    return kept, hidden
