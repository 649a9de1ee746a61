"""Every fixture package: findings exactly where the `// want` markers say."""

from __future__ import annotations

import pytest

from golint_resilience.analysis.triggers import Prefilter
from golint_resilience.deploy import rules as deployment_rules
from golint_resilience.registry import CHECKS
from harness import FIXTURES, expectations, fixture_names, lint_fixture, mismatches


@pytest.mark.parametrize("name", fixture_names())
def test_fixture(name: str) -> None:
    problems = mismatches(name, lint_fixture(name))
    assert not problems, "\n".join(problems)


def _rules_with_markers() -> list[tuple[str, str]]:
    pairs = set()
    for name in fixture_names():
        for expectation in expectations(FIXTURES / name):
            pairs.add((expectation.rule, name))
    return sorted(pairs)


@pytest.mark.parametrize(("rule", "name"), _rules_with_markers())
def test_fixture_fails_without_its_check(rule: str, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that cannot fail is a defect: switching the rule's check off must break its fixture."""
    registry = deployment_rules.CHECKS if rule in deployment_rules.CHECKS else CHECKS
    assert rule in registry, f"{name} expects {rule}, which has no check"
    monkeypatch.delitem(registry, rule)
    problems = mismatches(name, lint_fixture(name))
    assert any(p.startswith(f"missing {rule}") for p in problems)


@pytest.mark.parametrize("name", fixture_names())
def test_prefilter_hides_no_finding(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every fragment run on every file (no byte prefilter, no gates), findings are the same."""
    filtered = lint_fixture(name)
    monkeypatch.setattr(Prefilter, "wanted", lambda self, searches: [tuple(self.triggers)] * len(searches))
    assert lint_fixture(name) == filtered
