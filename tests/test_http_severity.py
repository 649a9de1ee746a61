"""RES301's severity is per finding: a request a client with a Timeout sends is a note."""

from __future__ import annotations

from golint_resilience.model import Severity
from harness import lint_fixture


def test_requests_sent_with_a_client_timeout_are_notes() -> None:
    findings = [f for f in lint_fixture("RES3_http") if f.rule_id == "RES301"]
    notes = {(f.path, f.span.line) for f in findings if f.severity is Severity.NOTE}
    bounded = {(f.path, f.span.line) for f in findings if "Timeout gives it a deadline" in f.message}
    assert notes == bounded
    assert len(notes) >= 5
    assert all(f.severity is Severity.WARNING for f in findings if (f.path, f.span.line) not in notes)
