"""RunSettings: the typed, validated description of one run, built by the CLI (and config)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from golint_resilience.catalog import RuleSpec, load_catalog
from golint_resilience.model import ResilintError, Severity

ALL = "ALL"


def default_options(catalog: Mapping[str, RuleSpec]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Every rule knob at its documented default."""
    return {
        rule_id: {name: opt.default for name, opt in spec.options.items()}
        for rule_id, spec in catalog.items()
    }


def _expand(selectors: tuple[str, ...], catalog: Mapping[str, RuleSpec], flag: str) -> set[str]:
    chosen: set[str] = set()
    for selector in selectors:
        if selector.upper() == ALL:
            chosen.update(catalog)
            continue
        hits = {rule_id for rule_id in catalog if rule_id.startswith(selector.upper())}
        hits.update(rule_id for rule_id, spec in catalog.items() if spec.name == selector)
        if not hits:
            msg = f"{flag}: unknown rule or prefix {selector!r} (see `resilint rules`)"
            raise ResilintError(msg)
        chosen.update(hits)
    return chosen


def select_rules(
    catalog: Mapping[str, RuleSpec], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Rule ids to run: `select` (ids, prefixes, names or ALL) or the defaults, minus `ignore`."""
    if select:
        chosen = _expand(select, catalog, "--select")
    else:
        chosen = {rule_id for rule_id, spec in catalog.items() if spec.enabled_by_default}
    chosen -= _expand(ignore, catalog, "--ignore")
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

    def digest(self) -> str:
        """A stable hash of what changes results (for caches)."""
        data = {
            "rules": self.rules,
            "options": {
                k: {n: list(v) for n, v in sorted(o.items())} for k, o in sorted(self.options.items())
            },
            "tests": self.include_tests,
            "generated": self.include_generated,
            "require_reason": self.require_reason,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
