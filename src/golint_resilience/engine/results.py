"""What the analysis of one directory yields: plain data that workers send back and the cache stores."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from golint_resilience.analysis.facts import Condition, FactStore, PackageFacts
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.filtering import suppress
from golint_resilience.model import FileError, Finding, ToolError


@dataclass(frozen=True)
class PendingFinding:
    """A finding that stands only if its condition holds once all facts are known.

    Its message is rendered then, because the condition may supply some of its values.
    """

    finding: Finding
    condition: Condition
    variant: str
    values: tuple[tuple[str, str], ...]
    unknown_variant: str | None  # variant to use when the condition is undecidable; None: drop

    def render(self, variant: str, store: FactStore) -> Finding:
        """The finding with its message filled from the report's and the condition's values."""
        values = dict(self.values) | self.condition.details(store)
        message = load_catalog()[self.finding.rule_id].message(variant, **values)
        return dataclasses.replace(self.finding, message=message)


@dataclass
class DirectoryResult:
    """Everything a worker sends back for one directory: plain picklable data."""

    facts: list[PackageFacts] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pending: list[PendingFinding] = field(default_factory=list)
    file_errors: list[FileError] = field(default_factory=list)
    tool_errors: list[ToolError] = field(default_factory=list)
    directives: list[suppress.PlacedDirective] = field(default_factory=list)
    files: int = 0
    analysed: bool = False  # False: served from the cache

    def reported_for(self, displays: Collection[str] | None) -> DirectoryResult:
        """The result as a run that reports on only these files sees it (None: on every file).

        The analysis (and the cache entry) always covers the whole directory: a package's
        facts need every file anyway, and a one-file run (pre-commit, an editor) then finds
        the entry of a whole-tree run, and the other way round.
        """
        if displays is None:
            return self
        return dataclasses.replace(
            self,
            findings=[f for f in self.findings if f.path in displays],
            pending=[p for p in self.pending if p.finding.path in displays],
            directives=[d for d in self.directives if d.path in displays],
        )


class DeploymentStage(Protocol):
    """Checks of deployment files, run by `run` once every package's facts are known."""

    @property
    def liveness_probe_paths(self) -> tuple[str, ...]:
        """The paths liveness probes ask for: the only routes whose handlers facts analyse."""

    def __call__(self, store: FactStore) -> DirectoryResult:
        """Findings, directives and notes of the deployment files."""
