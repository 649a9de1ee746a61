"""The rule files: complete, consistent with the code, examples that behave as documented."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from golint_resilience.catalog.docs import render_page
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.checks import MODULES
from golint_resilience.deploy.check import DeploymentChecks
from golint_resilience.deploy.load import load
from golint_resilience.engine.pipeline import run
from golint_resilience.golang.discover import discover
from golint_resilience.golang.parsing import compile_query, parse
from golint_resilience.registry import (
    CHECKS,
    DEPLOYMENT_RULES,
    FRAGMENTS,
    RUN_CHECKED,
    Check,
    RegistryError,
    implemented,
    validate_registry,
)
from golint_resilience.settings import RunSettings, default_options, select_rules
from harness import chdir

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog()


def test_the_registries_fit_the_catalog() -> None:
    validate_registry(CATALOG, MODULES)  # what loading the checks did; explicit so that a failure reads here
    assert set(CHECKS) | RUN_CHECKED | DEPLOYMENT_RULES == set(CATALOG)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda: {"RES601": Check("RES601", CHECKS["RES601"].function, ("delay_callz",))},
            "RES601 reads fragment 'delay_callz', which no check module registers"
            " (did you mean 'delay_calls'?)",
        ),
        (lambda: {"RES999": CHECKS["RES101"]}, "RES999 has a check but no rules/RES999-*.toml"),
        (lambda: {"RES101": None}, "RES101 has a rules/ file but no check"),
    ],
    ids=["fragment typo", "check without a rule", "rule without a check"],
)
def test_a_registry_mistake_fails_at_load_naming_the_rule(change, message, monkeypatch) -> None:
    for rule_id, registered in change().items():
        if registered is None:
            monkeypatch.delitem(CHECKS, rule_id)
        else:
            monkeypatch.setitem(CHECKS, rule_id, registered)
    with pytest.raises(RegistryError) as error:
        validate_registry(CATALOG, MODULES)
    assert str(error.value) == message


def _module(tmp_path: Path, name: str, text: str) -> ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_capture_read_that_the_fragments_lack_fails_at_load(tmp_path: Path, monkeypatch) -> None:
    typo = _module(
        tmp_path,
        "typo_checks",
        'def check(ctx):\n    for match in ctx.matches("delay_calls"):\n        yield match.node("cal")\n',
    )
    monkeypatch.setitem(CHECKS, "RES601", Check("RES601", typo.check, ("delay_calls",)))
    with pytest.raises(RegistryError) as error:
        validate_registry(CATALOG, [*MODULES, typo])
    assert str(error.value) == (
        "RES601 (typo_checks) reads capture 'cal', which neither the fragments it reads (delay_calls)"
        " nor a query of its own captures (did you mean 'call'?)"
    )


def test_a_helper_reading_a_capture_of_no_query_fails_at_load(tmp_path: Path) -> None:
    helper = _module(
        tmp_path,
        "helper_knowledge",
        'QUERY = "(call_expression function: (_) @function) @call"\n'
        'def callee(captures):\n    return captures["funtion"][0]\n',
    )
    with pytest.raises(RegistryError) as error:
        validate_registry(CATALOG, [helper])
    assert str(error.value) == (
        "helper_knowledge reads capture 'funtion', which no query of its own captures"
        " (did you mean 'function'?)"
    )


def test_fragments_compile() -> None:
    options = default_options(CATALOG)
    for fragment in FRAGMENTS.values():
        assert compile_query(fragment.source(options), fragment.name).pattern_count >= 1


def test_message_variants_are_filled_by_placeholders() -> None:
    for spec in CATALOG.values():
        for template in spec.messages.values():
            assert template.strip(), spec.id
            assert re.fullmatch(r"[^{}]*(\{[a-z_]+\}[^{}]*)*", template), (spec.id, template)


def test_docs_pages_are_current() -> None:
    for spec in CATALOG.values():
        page = ROOT / "docs" / "rules" / f"{spec.id}.md"
        expected = render_page(spec)
        assert page.is_file() and page.read_text(encoding="utf-8") == expected, (
            f"{page} is out of date: run `python -m golint_resilience.catalog.docs`"
        )


EXAMPLES = [
    (spec.id, number, example) for spec in CATALOG.values() for number, example in enumerate(spec.examples)
]


@pytest.mark.parametrize(("rule_id", "number", "example"), EXAMPLES, ids=lambda v: str(v)[:12])
def test_rule_example(rule_id: str, number: int, example, tmp_path: Path) -> None:
    """Bad examples are flagged by their rule, good ones are not; both parse cleanly."""
    assert not parse(example.code.encode()).root_node.has_error, (
        f"{rule_id} example {number} has syntax errors"
    )
    if not implemented(rule_id):
        pytest.skip(f"{rule_id} is not implemented yet")
    for path, text in ((example.path, example.code), *example.files):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    # RES901 judges directives for other rules: its examples silence RES1 findings, so run those too.
    rules = select_rules(CATALOG, (rule_id, "RES1")) if rule_id == "RES901" else (rule_id,)
    settings = RunSettings(rules=rules, options=default_options(CATALOG))
    with chdir(tmp_path):
        deployment = DeploymentChecks(load([Path()]), settings)
        found = run(discover(["./..."]), settings, deployment=deployment).findings
        findings = [f for f in found if f.rule_id == rule_id]
    if example.kind == "bad":
        assert findings, f"{rule_id} bad example {number} is not flagged"
    else:
        assert not findings, f"{rule_id} good example {number} is flagged: {findings[0].message}"


def test_implemented_does_not_depend_on_what_was_imported() -> None:
    """A fresh interpreter that imports only the registry (as the docs generator does) sees every check."""
    code = "from golint_resilience.registry import implemented as i; print(i('RES101'), i('RES801'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True"]
