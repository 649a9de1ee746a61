"""The filter stage keeps one order: duplicates, suppressions, roles, path ignores, baseline, changes."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from golint_resilience.filtering import suppress
from golint_resilience.filtering.stage import Filters, apply
from golint_resilience.model import Finding, Severity, Span
from golint_resilience.settings import RunSettings

SOURCE = b"""package p

func a() { exit() } //resilint:ignore RES101 the CLI's own exit
func b() { exit() }
func c() { exit() }
"""


def _finding(path: str, line: int, fingerprint: str = "") -> Finding:
    text = SOURCE.decode().splitlines()[line - 1]
    return Finding(
        rule_id="RES101",
        rule_name="exit-outside-main",
        severity=Severity.WARNING,
        path=path,
        span=Span.on_line(line, text, 12, 18),
        message="exit",
        fingerprint=fingerprint or f"fp-{line}",
        snippet=text,
        line_hash=None,
    )


def _apply(tmp_path: Path, filters: Filters) -> list[tuple[int, bool]]:
    path = tmp_path / "p.go"
    path.write_bytes(SOURCE)
    shown = os.path.relpath(path)
    findings = [_finding(shown, line) for line in (3, 4, 4, 5)]  # line 4 twice: a duplicate
    findings.append(_finding(os.path.relpath(tmp_path / "other" / "q.go"), 4, "other-4"))
    settings = RunSettings(rules=("RES101", "RES901"))
    kept = apply(
        findings,
        directives=suppress.scan(shown, SOURCE),
        roles={},
        directories=[],
        settings=settings,
        filters=filters,
    )
    return [(f.span.line, f.suppressed) for f in kept.findings]


def test_duplicates_go_and_suppressed_findings_stay_marked(tmp_path: Path) -> None:
    assert _apply(tmp_path, Filters()) == [
        (4, False),
        (3, True),
        (4, False),
        (5, False),
    ]  # other/q.go sorts first


def test_the_baseline_sees_what_per_path_ignores_leave_and_never_hides_a_suppressed_finding(
    tmp_path: Path,
) -> None:
    seen: list[list[int]] = []

    def known(findings: list[Finding]) -> Counter[str]:
        seen.append([f.span.line for f in findings])
        return Counter({"fp-3": 1, "fp-4": 1})

    ignores = (("other/*.go", ("RES101",)),)
    kept = _apply(tmp_path, Filters(root=tmp_path, path_ignores=ignores, baseline=known))
    assert seen == [[3, 4, 5]]  # other/q.go was left out before the baseline
    assert kept == [(3, True), (5, False)]  # fp-3 is suppressed: the baseline cannot hide it


def test_changed_lines_come_after_the_baseline(tmp_path: Path) -> None:
    seen: list[list[int]] = []

    def known(findings: list[Finding]) -> Counter[str]:
        seen.append([f.span.line for f in findings])
        return Counter()

    changes = {str((tmp_path / "p.go").resolve()): {5}}
    assert _apply(tmp_path, Filters(baseline=known, changes=changes)) == [(5, False)]
    assert seen == [[4, 3, 4, 5]]  # a baseline being written records every finding, changed or not


def test_per_path_ignores_leave_out_their_rules(tmp_path: Path) -> None:
    ignores = (("*.go", ("RES101",)),)
    assert _apply(tmp_path, Filters(root=tmp_path, path_ignores=ignores)) == []
