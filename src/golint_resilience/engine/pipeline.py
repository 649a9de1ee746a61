"""The run, in one direction: directories in, the findings the filter stage keeps out.

discover (golang/discover.py) → schedule.py: the cache answers what it can, workers the rest
→ per directory (directory.py): read (reading.py); unless the cache answers, group by package
clause, run the combined query once per file (queries.py), build the package's facts and run
the checks (analyse.py, loaded only then)
→ findings and pending findings, conditioned on other packages' facts (results.py) → here,
in the parent: facts of any module-local package still missing, conditions resolved,
deployment checks, roles → filtering/stage.py → the RunResult reporters format.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from golint_resilience.analysis.facts import FactStore, PackageFacts, summary_notes
from golint_resilience.analysis.roles import assign_roles, main_closures_missing
from golint_resilience.engine.cache import ResultCache, prune
from golint_resilience.engine.directory import CACHE_CODEC, facts_of_directory, facts_only, open_cache
from golint_resilience.engine.results import DeploymentStage, PendingFinding
from golint_resilience.engine.schedule import analyse_all
from golint_resilience.filtering import stage, suppress
from golint_resilience.golang.discover import PackageDir
from golint_resilience.model import FileError, Finding, RunResult, ToolError
from golint_resilience.settings import RunSettings

NO_FILTERS = stage.Filters()


def complete_facts(
    missing: Callable[[], set[str]], store: FactStore, settings: RunSettings, cache_dir: Path | None
) -> None:
    """Compute the facts of the packages `missing()` names until it names none.

    `missing` is asked again after each round: what it needs may grow with what it learns.
    """
    cache = whole_runs = None
    if cache_dir is not None:
        cache = ResultCache(cache_dir, facts_only(settings).digest, CACHE_CODEC)
        whole_runs = ResultCache(cache_dir, settings.digest, CACHE_CODEC)
    while wanted := sorted(missing()):
        for directory in wanted:
            found = facts_of_directory(directory, settings, cache, whole_runs)
            for facts in found:
                store.add(facts)
            if not found:  # remember that there is nothing to know here
                store.add(PackageFacts(directory, "", (), {}, frozenset()))


def _resolve_pending(
    pending: list[PendingFinding], store: FactStore, settings: RunSettings, cache_dir: Path | None
) -> tuple[list[Finding], list[str]]:
    """Compute any missing facts, then keep the pending findings whose conditions hold.

    Also returns what the conditions tell the summary (a module that recovers no goroutine).
    """
    complete_facts(
        lambda: {d for p in pending for d in p.condition.directories(store) if d not in store},
        store,
        settings,
        cache_dir,
    )
    kept = []
    notes: set[str] = set()
    for item in pending:
        verdict = item.condition.evaluate(store)
        if verdict:
            kept.append(item.render(item.variant, store))
        elif verdict is None and item.unknown_variant is not None:
            kept.append(item.render(item.unknown_variant, store))
        notes.update(summary_notes(item.condition, store))
    return kept, sorted(notes)


def run(
    directories: list[PackageDir],
    settings: RunSettings,
    *,
    cache_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    overlay: Mapping[str, bytes] | None = None,
    deployment: DeploymentStage | None = None,
    filters: stage.Filters = NO_FILTERS,
) -> RunResult:
    """Analyse the directories and return the findings the filter stage keeps, in report order.

    `cache_dir`: reuse and store per-directory results there (None: no cache).
    `progress(done, total)` is called as directories complete.
    `overlay`: contents to analyse instead of those files' on disk (display path → bytes:
    fixes not written yet); the cache is then neither read nor written.
    `deployment`: checks of deployment files, run once every package's facts are known
    (only then are the facts they need recorded).
    `filters`: what the user asked to leave out (filtering/stage.py).
    """
    settings = dataclasses.replace(
        settings,
        deployment_facts=deployment is not None,
        liveness_probe_paths=deployment.liveness_probe_paths if deployment is not None else (),
    )
    findings: list[Finding] = []
    pending: list[PendingFinding] = []
    directives: list[suppress.PlacedDirective] = []
    file_errors: list[FileError] = []
    tool_errors: list[ToolError] = []
    store = FactStore()
    files = analysed = 0
    cache = open_cache(cache_dir, settings) if overlay is None else None
    for done, result in enumerate(analyse_all(directories, settings, cache, overlay), start=1):
        findings.extend(result.findings)
        pending.extend(result.pending)
        file_errors.extend(result.file_errors)
        tool_errors.extend(result.tool_errors)
        directives.extend(result.directives)
        files += result.files
        analysed += result.analysed
        for facts in result.facts:
            store.add(facts)
        if progress is not None:
            progress(done, len(directories))
    resolved, notes = _resolve_pending(pending, store, settings, cache_dir)
    findings.extend(resolved)
    if cache_dir is not None:
        prune(cache_dir)
    if deployment is not None:
        checked = deployment(store)
        findings.extend(checked.findings)
        file_errors.extend(checked.file_errors)
        tool_errors.extend(checked.tool_errors)
        directives.extend(checked.directives)
        files += checked.files
    analysed_dirs = [os.path.abspath(d.path) for d in directories]
    complete_facts(lambda: main_closures_missing(analysed_dirs, store), store, settings, cache_dir)
    roles = assign_roles(analysed_dirs, store, settings.role_selection.config)
    filtered = stage.apply(
        findings,
        directives=directives,
        roles=roles,
        directories=directories,
        settings=settings,
        filters=filters,
    )
    return RunResult(
        findings=filtered.findings,
        file_errors=sorted(set(file_errors), key=lambda e: (e.path, e.message)),
        tool_errors=sorted(set(tool_errors), key=lambda e: (e.path, e.rule_id, e.message)),
        files=files,
        packages=len(directories),
        baselined=filtered.baselined,
        analysed=analysed,
        roles=roles,
        left_out=filtered.left_out,
        packages_left_out=filtered.packages_left_out,
        notes=notes,
    )
