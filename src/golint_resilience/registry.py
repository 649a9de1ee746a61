"""The contract between the engine and the checks.

- A `Fragment` is a named tree-sitter query with the byte triggers a file must contain
  for it to match. The engine compiles the fragments that enabled checks need into one
  query, runs it once per file (in C), and hands each check its matches.
- A check is a pure function of a `CheckContext` (one package) that yields `Report`s.
  It is registered by rule id with `@check`; it never prints or touches the disk.
- A fact extractor fills a `FactsBuilder` from the same matches (see facts.py).
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from golint_resilience.analysis.facts import Condition, FactsBuilder, PackageFacts
from golint_resilience.analysis.triggers import Trigger
from golint_resilience.catalog.specs import RuleSpec, load_catalog
from golint_resilience.golang.index import FileContext, Package
from golint_resilience.model import Fix, Severity
from golint_resilience.settings import default_options

if TYPE_CHECKING:  # checks hand nodes around; the registry itself never parses
    from golint_resilience.golang.parsing import Node

Options = Mapping[str, Mapping[str, tuple[str, ...]]]  # rule id → knob → value


Triggers = tuple[Trigger, ...] | Callable[[Options], tuple[Trigger, ...]]


@dataclass(frozen=True)
class Fragment:
    """A query the engine runs for the checks and facts that ask for it by name.

    `triggers`: a file that contains none of them cannot match (empty: every file may).
    `package_triggers`: when no file of the package contains one, no file of it can match
    in a way the checks use (e.g. a route registration when no probe path is written in
    the package).
    """

    name: str
    source: Callable[[Options], str]
    triggers: Callable[[Options], tuple[Trigger, ...]]
    package_triggers: Callable[[Options], tuple[Trigger, ...]]


@dataclass(frozen=True)
class Match:
    """One match of a fragment in one file."""

    context: FileContext
    captures: dict[str, list[Node]]

    def node(self, name: str) -> Node:
        """The (first) node captured as `name`."""
        return self.captures[name][0]


@dataclass(frozen=True)
class Report:
    """What a check says: the node to flag and how to phrase it.

    `condition`, when set, is checked against other packages' facts after the run;
    `if_unknown` names the message variant to use when it cannot be decided (None: drop);
    `fix`, when set, repairs the finding (edits of the report's file, see fixes.py);
    `unless_served`: left out where a service of the run runs the code (its main, the
    package its main() hands over to, a library it imports) unless that role is asked for:
    there it is the service's own fail-fast policy, not a surprise for a caller.
    """

    node: Node
    context: FileContext
    variant: str = "default"
    values: tuple[tuple[str, str], ...] = ()
    severity: Severity | None = None
    condition: Condition | None = None
    if_unknown: str | None = None
    fix: Fix | None = None
    unless_served: bool = False


@dataclass
class MatchContext:
    """One package with its fragment matches and options: what fact extractors read."""

    package: Package
    options: Options
    matches_by_fragment: dict[str, list[Match]] = field(default_factory=dict)
    liveness_probe_paths: frozenset[str] = frozenset()  # what the run's manifests probe for liveness

    def matches(self, fragment: str) -> list[Match]:
        """Matches of a fragment over the package's files, in file then source order."""
        return self.matches_by_fragment.get(fragment, [])

    def option(self, rule_id: str, name: str) -> tuple[str, ...]:
        """A rule knob's effective value."""
        return tuple(self.options.get(rule_id, {}).get(name, ()))

    def scalar_option(self, rule_id: str, name: str) -> str:
        """A scalar knob's effective value: its documented default when the run sets none."""
        value = self.option(rule_id, name)
        return value[0] if value else load_catalog()[rule_id].options[name].default[0]

    def module_directory(self, import_path: str) -> str | None:
        """The directory of a module-local import (the key of its facts), else None."""
        module = self.package.module
        return module.facts_directory(import_path) if module is not None else None


@dataclass
class CheckContext(MatchContext):
    """What a check sees: a MatchContext plus the package's own facts."""

    facts: PackageFacts | None = None

    @property
    def own_facts(self) -> PackageFacts:
        """The package's facts (always set by the engine before checks run)."""
        if self.facts is None:  # pragma: no cover - an engine bug, not a user error
            msg = "checks ran before the package's facts were built"
            raise RuntimeError(msg)
        return self.facts


CheckFunction = Callable[[CheckContext], Iterator[Report]]
FactFunction = Callable[[MatchContext, FactsBuilder], None]


@dataclass(frozen=True)
class Check:
    """A registered check: the rule it implements and the fragments it reads."""

    rule_id: str
    function: CheckFunction
    fragments: tuple[str, ...]


@dataclass(frozen=True)
class FactExtractor:
    """A registered fact extractor and the fragments it reads."""

    name: str
    function: FactFunction
    fragments: tuple[str, ...]
    for_deployment: bool = False  # only when the run checks deployment files (RunSettings)


FRAGMENTS: dict[str, Fragment] = {}
CHECKS: dict[str, Check] = {}
FACT_EXTRACTORS: list[FactExtractor] = []
RUN_CHECKED = frozenset({"RES901"})  # judged over the whole run's findings (suppress.py), not per package
# Rules judged on deployment files against the programs they run: their ids are added
# when golint_resilience.deploy.rules (which imports the engine) registers their checks.
DEPLOYMENT_RULES: set[str] = set()


def implemented(rule_id: str) -> bool:
    """Does this version check the rule?

    Loads the check modules first: the answer never depends on what the caller imported.
    """
    _load_checks()
    return rule_id in CHECKS or rule_id in RUN_CHECKED or rule_id in DEPLOYMENT_RULES


@functools.cache
def _load_checks() -> None:
    """Import the modules that register checks (they import this one: not at its import time)."""
    importlib.import_module("golint_resilience.checks")
    importlib.import_module("golint_resilience.deploy.rules")


class RegistryError(Exception):
    """The checks, their fragments and the rule catalog disagree: a defect of resilint itself."""


def validate_registry(catalog: Mapping[str, RuleSpec], modules: Iterable[ModuleType]) -> None:
    """Fail at load, naming the rule, where the registries and the catalog do not fit together.

    Every check reads registered fragments and implements a catalog rule; every catalog
    rule has a check (of a package, of the run's directives, or of deployment files).
    Fact extractors read registered fragments too. In `modules` (the check and knowledge
    modules), every capture read by name is one that a query of the module, or a fragment
    its checks and extractors read, captures.
    """
    problems = []
    readers = [(c.rule_id, c.fragments) for c in CHECKS.values()]
    readers += [(f"fact extractor {e.name}", e.fragments) for e in FACT_EXTRACTORS]
    for reader, fragments in readers:
        for name in fragments:
            if name not in FRAGMENTS:
                hint = _hint(name, FRAGMENTS)
                problems.append(f"{reader} reads fragment {name!r}, which no check module registers{hint}")
    checked = set(CHECKS) | DEPLOYMENT_RULES
    problems += [f"{rule} has a check but no rules/{rule}-*.toml" for rule in sorted(checked - set(catalog))]
    problems += [
        f"{rule} has a rules/ file but no check" for rule in sorted(set(catalog) - checked - RUN_CHECKED)
    ]
    if not problems:  # captures are only comparable once every fragment read exists
        problems += _capture_problems(modules, default_options(catalog))
    if problems:
        raise RegistryError("; ".join(problems))


# A capture read by a literal name: through Match.node, or a captures mapping's [] or get.
_CAPTURE_READ = re.compile(r"""(?:\.node\(|captures\[|captures\.get\()\s*["']([A-Za-z_][\w.]*)["']""")
_CAPTURE = re.compile(r"@([A-Za-z_][\w.]*)")  # a capture in a query's text


def _capture_problems(modules: Iterable[ModuleType], options: Options) -> list[str]:
    """Captures that a module reads by name and that none of the queries it can see captures.

    A module sees its own query texts (fragments it registers, queries it runs within a
    node) and the fragments its checks and fact extractors read. Reads by a computed name
    (`captures[kind]`) are not checked.
    """
    rules_of: dict[str, list[str]] = {}
    fragments_of: dict[str, set[str]] = {}
    for c in CHECKS.values():
        rules_of.setdefault(c.function.__module__, []).append(c.rule_id)
        fragments_of.setdefault(c.function.__module__, set()).update(c.fragments)
    for e in FACT_EXTRACTORS:
        fragments_of.setdefault(e.function.__module__, set()).update(e.fragments)
    problems = []
    for module in modules:
        if module.__file__ is None:  # pragma: no cover - a namespace package has no text
            continue
        text = Path(module.__file__).read_text(encoding="utf-8")
        read_fragments = sorted(fragments_of.get(module.__name__, ()))
        captured = set(_CAPTURE.findall(text))
        for name in read_fragments:
            captured.update(_CAPTURE.findall(FRAGMENTS[name].source(options)))
        for name in sorted(set(_CAPTURE_READ.findall(text)) - captured):
            rules = " and ".join(sorted(rules_of.get(module.__name__, [])))
            reader = f"{rules} ({module.__name__})" if rules else module.__name__
            seen = (
                f"neither the fragments it reads ({', '.join(read_fragments)}) nor a query of its own"
                if read_fragments
                else "no query of its own"
            )
            problems.append(f"{reader} reads capture {name!r}, which {seen} captures" + _hint(name, captured))
    return problems


def _hint(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _constant_triggers(triggers: Triggers) -> Callable[[Options], tuple[Trigger, ...]]:
    if callable(triggers):
        return triggers
    found: tuple[Trigger, ...] = triggers

    def constant(_options: Options) -> tuple[Trigger, ...]:
        return found

    return constant


def fragment(
    name: str,
    source: str | Callable[[Options], str],
    triggers: Triggers = (),
    package_triggers: Triggers = (),
) -> None:
    """Register a query fragment (static text, or built from the options)."""
    if name in FRAGMENTS:
        msg = f"fragment {name!r} registered twice"
        raise ValueError(msg)
    source_fn = source if callable(source) else (lambda _options, text=source: text)
    FRAGMENTS[name] = Fragment(
        name, source_fn, _constant_triggers(triggers), _constant_triggers(package_triggers)
    )


def check(rule_id: str, *, fragments: tuple[str, ...]) -> Callable[[CheckFunction], CheckFunction]:
    """Bind a check function to a rule id."""

    def register(function: CheckFunction) -> CheckFunction:
        if rule_id in CHECKS:
            msg = f"a check for {rule_id} is registered twice"
            raise ValueError(msg)
        CHECKS[rule_id] = Check(rule_id, function, fragments)
        return function

    return register


def fact_extractor(
    *, fragments: tuple[str, ...], for_deployment: bool = False
) -> Callable[[FactFunction], FactFunction]:
    """Register a function that records package facts from fragment matches.

    `for_deployment`: facts only deployment checks read, computed only in runs that have
    deployment files (they cost a query and an analysis of every route).
    """

    def register(function: FactFunction) -> FactFunction:
        FACT_EXTRACTORS.append(FactExtractor(function.__name__, function, fragments, for_deployment))
        return function

    return register


def report(
    node: Node,
    context: FileContext,
    variant: str = "default",
    *,
    severity: Severity | None = None,
    condition: Condition | None = None,
    if_unknown: str | None = None,
    fix: Fix | None = None,
    unless_served: bool = False,
    **values: str,
) -> Report:
    """Build a Report (keyword values fill the rule's message template, on one line).

    The node's text (its fingerprint reads it) and the values are charged to the file's
    budget: on deeply nested code they can add up to depth × size.
    """
    context.file.budget.charge(node.end_byte - node.start_byte + sum(len(v) for v in values.values()))
    quoted = tuple(sorted((name, _one_line(value)) for name, value in values.items()))
    return Report(node, context, variant, quoted, severity, condition, if_unknown, fix, unless_served)


_LINE_BREAK = re.compile(r"[ \t]*\r?\n\s*")


def _one_line(code: str) -> str:
    """Code quoted in a message, its line breaks joined: `log.⏎Fatalf` → `log.Fatalf`."""
    return _LINE_BREAK.sub(lambda m: "" if code[m.start() - 1 : m.start()] in ".([{" else " ", code)


def first_line(code: str) -> str:
    """A short quote of code for a message: its first line, with an ellipsis when more follows."""
    lines = code.strip().splitlines()
    return lines[0].rstrip() + (" …" if len(lines) > 1 else "") if lines else ""
