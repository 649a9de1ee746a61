"""Check the deployment files of a run against the programs they run.

The files are loaded before the run (their liveness probe paths tell the Go analysis
which handlers to analyse); the engine calls the stage once every package's facts are
known (`engine.run(deployment=…)`): link each runner, run the selected deployment rules,
and hand back the findings, the files' `# resilint:ignore` directives and notes as one
DirectoryResult.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from golint_resilience.analysis.facts import FactStore
from golint_resilience.catalog.specs import RuleSpec, load_catalog
from golint_resilience.deploy import rules
from golint_resilience.deploy.linking import (
    Link,
    Linker,
    container_runner,
    dockerfile_runner,
    programs,
    unit_runner,
)
from golint_resilience.deploy.load import Deployments
from golint_resilience.deploy.service import service
from golint_resilience.deploy.sources import DeploymentFile, Kind
from golint_resilience.engine.results import DirectoryResult
from golint_resilience.filtering.suppress import scan_hash_comments
from golint_resilience.golang.linehash import LineHashes
from golint_resilience.model import Finding, RelatedLocation, ToolError, fingerprint
from golint_resilience.settings import RunSettings

LINKS_RULE, LINKS_KNOB = "RES801", "links"


def link_all(deployments: Deployments, store: FactStore, settings: RunSettings) -> rules.DeploymentContext:
    """Link every container, image and unit, and gather the services they run."""
    configured = tuple(settings.options.get(LINKS_RULE, {}).get(LINKS_KNOB, ()))
    linker = Linker(programs(store), deployments.dockerfiles, configured)
    context = rules.DeploymentContext(deployments.workloads, deployments.dockerfiles, deployments.units)
    for workload in deployments.workloads:
        for container in workload.containers:
            context.container_links.append(
                (workload, container, linker.link(container_runner(workload, container)))
            )
    for dockerfile in deployments.dockerfiles:
        runner = dockerfile_runner(dockerfile)
        if runner is not None:
            context.dockerfile_links.append((dockerfile, linker.link(runner)))
    for unit in deployments.units:
        context.unit_links.append((unit, linker.link(unit_runner(unit))))
    for link in all_links(context):
        if link.program is not None and link.program.directory not in context.services:
            context.services[link.program.directory] = service(link.program.directory, store)
    return context


def all_links(context: rules.DeploymentContext) -> list[Link]:
    """Every link, in file order."""
    return [
        *(link for _, _, link in context.container_links),
        *(link for _, link in context.dockerfile_links),
        *(link for _, link in context.unit_links),
    ]


def describe(links: list[Link]) -> str:
    """What `resilint links` prints: each runner, the program it runs, and the evidence."""
    lines = []
    for link in links:
        target = link.program.shown if link.program is not None else "unlinked"
        lines.append(f"{link.runner.place}: {link.runner.label} -> {target}")
        lines.extend(f"    {evidence}" for evidence in link.evidence)
    return "\n".join(lines) + "\n" if lines else "no Kubernetes workload, Dockerfile or systemd unit found\n"


@dataclass
class LinkCollector:
    """A deployment stage that only links, for `resilint links`."""

    deployments: Deployments
    settings: RunSettings
    links: list[Link] = field(default_factory=list)
    liveness_probe_paths: tuple[str, ...] = ()  # links need no handler analysis

    def __call__(self, store: FactStore) -> DirectoryResult:
        """Link every runner; notes on unreadable files go to the result."""
        self.links = all_links(link_all(self.deployments, store, self.settings))
        return DirectoryResult(file_errors=self.deployments.errors)


def _finding(
    spec: RuleSpec, report: rules.DeploymentReport, occurrence: int, file: DeploymentFile
) -> Finding:
    place = report.place
    line = file.line(place.span.line)
    return Finding(
        rule_id=spec.id,
        rule_name=spec.name,
        severity=spec.severity,
        path=place.path,
        span=place.span,
        message=spec.message(report.variant, **dict(report.values)),
        fingerprint=fingerprint(spec.id, place.path, report.scope, line, occurrence),
        snippet=line,
        line_hash=LineHashes(file.text.encode("utf-8", "surrogatepass")).of(place.span.line),
        related=tuple(RelatedLocation(p.path, p.span, text) for p, text in report.related),
    )


@dataclass(frozen=True)
class DeploymentChecks:
    """The deployment stage of a run: the files (loaded before the run) and the settings."""

    deployments: Deployments
    settings: RunSettings

    @property
    def liveness_probe_paths(self) -> tuple[str, ...]:
        """The paths of the liveness probes (RES802 reads what serves them)."""
        return self.deployments.liveness_probe_paths()

    def __call__(self, store: FactStore) -> DirectoryResult:
        """Findings, directives and notes of the deployment files."""
        result = DirectoryResult()
        deployments = self.deployments
        result.file_errors.extend(deployments.errors)
        result.files = len(deployments.files)
        for file in deployments.files:
            inline = file.kind is Kind.KUBERNETES
            result.directives.extend(scan_hash_comments(file.display, file.text, inline=inline))
        context = link_all(deployments, store, self.settings)
        catalog = load_catalog()
        files = {file.display: file for file in deployments.files}
        for rule_id in self.settings.rules:
            check = rules.CHECKS.get(rule_id)
            if check is None:
                continue
            try:
                reports = list(check(context))
            except Exception as exc:
                result.tool_errors.append(ToolError(rule_id, "deployment files", _cause(exc)))
                continue
            seen: dict[tuple[str, str, str], int] = {}
            for report in reports:
                key = (report.place.path, report.scope, report.variant)
                seen[key] = seen.get(key, -1) + 1
                result.findings.append(
                    _finding(catalog[rule_id], report, seen[key], files[report.place.path])
                )
        return result


def _cause(exc: Exception) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame is not None else ""
    return f"{type(exc).__name__}: {exc}{where}"
