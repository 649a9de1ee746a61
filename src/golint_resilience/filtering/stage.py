"""The filter stage: everything that leaves a finding out once the checks have run, in one place.

The order matters and is kept here only:
1. duplicates (the same rule at the same span, e.g. from a deferred condition and a check);
2. inline suppressions: findings they silence are marked, not dropped (SARIF can show them),
   and RES901 reports the directives that silence nothing or lack a reason — before roles,
   so that a suppression in a file whose findings roles leave out still counts as used;
3. roles (filtering/roles.py); then the findings are sorted, which fixes the order in which
   a baseline with repeated fingerprints matches them;
4. `per-path-ignores` from the configuration;
5. the baseline, which never hides a suppressed finding;
6. changed lines (`--new-from-rev`, `--new-from-patch`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from golint_resilience.catalog.specs import load_catalog
from golint_resilience.filtering import baseline, newfromrev, suppress
from golint_resilience.filtering.paths import drop_per_path_ignores
from golint_resilience.filtering.roles import by_role
from golint_resilience.golang.discover import PackageDir
from golint_resilience.model import Finding, PackageRole
from golint_resilience.settings import RunSettings

# Given the findings a baseline is matched against, the fingerprints it knows. A baseline
# being recorded (`--write-baseline`) writes those findings first, then knows all of them.
Baseline = Callable[[list[Finding]], "Counter[str]"]


@dataclass(frozen=True)
class Filters:
    """What the user asked a run to leave out, besides what the code itself says (suppressions, roles)."""

    root: Path = Path()  # where `path_ignores` globs start (the configuration's directory)
    path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # glob → rules it turns off
    baseline: Baseline | None = None
    changes: newfromrev.Changes | None = None  # None: every line counts


@dataclass(frozen=True)
class Filtered:
    """The findings a run reports, and how many each filter left out where the summary says so."""

    findings: list[Finding]
    baselined: int
    left_out: dict[str, int]  # role → findings not reported for it
    packages_left_out: dict[str, int]  # role → packages not reported


def apply(
    findings: Iterable[Finding],
    *,
    directives: Iterable[suppress.PlacedDirective],
    roles: Mapping[str, PackageRole],
    directories: list[PackageDir],
    settings: RunSettings,
    filters: Filters,
) -> Filtered:
    """The findings left once every filter has had its say, in report order."""
    unique = {
        (f.rule_id, f.path, f.span.line, f.span.column, f.span.end_line, f.span.end_column): f
        for f in findings
    }
    marked = suppress.apply(
        list(unique.values()),
        directives,
        load_catalog(),
        settings.rules,
        require_reason=settings.require_reason,
    )
    by_roles = by_role(marked, roles, directories, settings.role_selection)
    kept = sorted(by_roles.findings, key=lambda f: f.sort_key)
    kept = drop_per_path_ignores(kept, filters.root, filters.path_ignores)
    hidden = 0
    if filters.baseline is not None:
        kept, hidden = baseline.subtract(kept, filters.baseline(kept))
    if filters.changes is not None:
        kept = newfromrev.keep_changed(kept, filters.changes)
    return Filtered(kept, hidden, by_roles.left_out, by_roles.packages_left_out)
