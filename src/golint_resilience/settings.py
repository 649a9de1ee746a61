"""RunSettings: the typed, validated description of one run, built by the CLI (and config)."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from golint_resilience.analysis.roles import RoleSelection
from golint_resilience.catalog.specs import RuleSpec, load_catalog
from golint_resilience.model import ResilintError, Severity

ALL = "ALL"


def default_options(catalog: Mapping[str, RuleSpec]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Every rule knob at its documented default."""
    return {
        rule_id: {name: opt.default for name, opt in spec.options.items()}
        for rule_id, spec in catalog.items()
    }


_LONGEST_TYPO = 100  # longer words are no typo of a name: no hint (difflib costs their square)
_LONGEST_SHOWN = 60


def shown(text: str, quote: Callable[[str], str] = repr) -> str:
    """A value of the user's, quoted for a message: cut short if long, so an error stays short."""
    if len(text) > _LONGEST_SHOWN:
        return quote(text[:_LONGEST_SHOWN]) + f"… ({len(text)} characters)"
    return quote(text)


def closest(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the candidate closest to a typo ("; did you mean 'x'?"), or ""."""
    if len(word) > _LONGEST_TYPO:
        return ""
    found = difflib.get_close_matches(word, list(candidates), n=1)
    return f"; did you mean {found[0]!r}?" if found else ""


def expand_selectors(selectors: Iterable[str], catalog: Mapping[str, RuleSpec], where: str) -> set[str]:
    """Rule ids named by ids, prefixes (RES2), names or ALL; unknown ones raise, all named at once."""
    chosen: set[str] = set()
    by_name = {spec.name: rule_id for rule_id, spec in catalog.items()}
    unknown = []
    for selector in dict.fromkeys(selectors):
        upper = selector.upper()
        if upper == ALL:
            chosen.update(catalog)
            continue
        hits = {rule_id for rule_id in catalog if rule_id.startswith(upper)}
        if selector in by_name:
            hits.add(by_name[selector])
        if not hits:
            unknown.append(selector)
        chosen.update(hits)
    if unknown:
        raise ResilintError(f"{where}: {_unknown_selectors(unknown, [*catalog, *by_name])}")
    return chosen


def _unknown_selectors(unknown: list[str], names: list[str]) -> str:
    def hint(selector: str) -> str:
        return closest(selector.upper() if selector[:3].upper() == "RES" else selector, names)

    if len(unknown) == 1:
        return f"unknown rule or prefix {shown(unknown[0])}{hint(unknown[0]) or ' (see `resilint rules`)'}"
    listed = ", ".join(shown(s) + (f" ({h[2:]})" if (h := hint(s)) else "") for s in unknown)
    return f"unknown rules or prefixes {listed} (see `resilint rules`)"


def select_rules(
    catalog: Mapping[str, RuleSpec],
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """Rule ids to run: `select` (or the defaults) plus `extend_select`, minus `ignore`."""
    if select:
        chosen = expand_selectors(select, catalog, "--select")
    else:
        chosen = {rule_id for rule_id, spec in catalog.items() if spec.enabled_by_default}
    chosen |= expand_selectors(extend_select, catalog, "--extend-select")
    chosen -= expand_selectors(ignore, catalog, "--ignore")
    return tuple(sorted(chosen))


@dataclass(frozen=True)
class RunSettings:
    """Everything the engine needs to know about a run; picklable for worker processes."""

    rules: tuple[str, ...]
    options: dict[str, dict[str, tuple[str, ...]]] = field(
        default_factory=lambda: default_options(load_catalog())
    )
    include_tests: bool = False
    include_generated: bool = False
    jobs: int = 1
    fail_on: Severity = Severity.WARNING
    require_reason: bool = False  # a suppression without a reason silences nothing
    deployment_facts: bool = False  # record what deployment checks need (set by engine.run)
    liveness_probe_paths: tuple[str, ...] = ()  # … and which routes' handlers to analyse for it
    # Which roles to report (None: every finding, whatever its role). Applied in the parent
    # after the cache, to results that do not depend on it: not part of the digest.
    roles: RoleSelection | None = None

    @property
    def role_selection(self) -> RoleSelection:
        """The roles to report: `roles`, or every one."""
        return self.roles or RoleSelection(everything=True)

    @cached_property
    def digest(self) -> str:
        """A stable hash of what changes results (for caches; computed once per run)."""
        data = {
            "rules": self.rules,
            "options": {
                k: {n: list(v) for n, v in sorted(o.items())} for k, o in sorted(self.options.items())
            },
            "tests": self.include_tests,
            "generated": self.include_generated,
            "require_reason": self.require_reason,
            "deployment_facts": self.deployment_facts,
            "liveness_probe_paths": self.liveness_probe_paths,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
