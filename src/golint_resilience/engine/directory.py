"""One directory, cached: its snapshot (files and the keys that identify them), lookup, analysis, facts only.

A directory's result depends only on its files and where it is (`_inputs`), never on
other directories: what depends on them is a pending finding, resolved by the run.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from golint_resilience.analysis.facts import AllOf, ClosureFlags, FunctionFact, ModuleFlag, PackageFacts
from golint_resilience.analysis.rolefacts import RoleFacts
from golint_resilience.analysis.servicefacts import DeadlineFact, RouteFact, ServiceFacts
from golint_resilience.engine.cache import Entry, ResultCache, content_key, metadata_key
from golint_resilience.engine.codec import Codec
from golint_resilience.engine.reading import ReadFile, read_directory, run_files
from golint_resilience.engine.results import DirectoryResult, PendingFinding
from golint_resilience.filtering import suppress
from golint_resilience.golang.discover import PackageDir, display_path
from golint_resilience.golang.gomod import find_module
from golint_resilience.golang.repository import checkout_root
from golint_resilience.model import (
    Edit,
    FileError,
    Finding,
    Fix,
    Place,
    RelatedLocation,
    Severity,
    Span,
    ToolError,
)
from golint_resilience.settings import RunSettings

CACHE_CODEC = Codec(
    (
        DirectoryResult,
        PackageFacts,
        Finding,
        Span,
        Fix,
        Edit,
        RelatedLocation,
        Place,
        ServiceFacts,
        RoleFacts,
        RouteFact,
        DeadlineFact,
        Severity,
        FileError,
        ToolError,
        PendingFinding,
        FunctionFact,
        ClosureFlags,
        ModuleFlag,
        AllOf,
        suppress.PlacedDirective,
        suppress.Directive,
        suppress.Scope,
    )
)


@dataclass(frozen=True)
class Snapshot:
    """A directory's files as read, with the keys that identify them in the cache."""

    files: list[ReadFile]
    content_key: str
    metadata_key: str | None


def _inputs(directory: PackageDir) -> list[bytes]:
    """What a directory's result depends on besides its files' names and bytes.

    Where it is, its module (from go.mod) and its git work tree's top level (its role facts
    depend on it); the display paths, part of both keys, also capture the working directory.
    Not the files a run reports on: the result always covers the whole directory, and the
    selection is applied to it on the way out (`_reported`).
    """
    name = os.path.abspath(directory.path)
    parts = [name.encode()]
    module = find_module(Path(name))
    if module is not None:
        parts.extend((str(module.root).encode(), module.path.encode()))
    top = checkout_root(Path(name))  # where the directory names that give roles start (rolefacts.py)
    parts.append(str(top).encode() if top is not None else b"")
    return parts


def _reported(directory: PackageDir, result: DirectoryResult) -> DirectoryResult:
    """What the run reports of a directory's result: only its selected files, if it has a selection."""
    if directory.selected is None:
        return result
    return result.reported_for({display_path(p) for p in directory.selected})


def open_cache(cache_dir: Path | None, settings: RunSettings) -> ResultCache | None:
    """The cache of runs with these settings under `cache_dir` (None: no cache), marked used."""
    if cache_dir is None:
        return None
    cache = ResultCache(cache_dir, settings.digest, CACHE_CODEC)
    cache.mark_used()
    return cache


def _metadata_key(directory: PackageDir, settings: RunSettings) -> str | None:
    files = [(display_path(p), p) for p in run_files(directory, settings)]
    return metadata_key(_inputs(directory), files)


def snapshot(directory: PackageDir, settings: RunSettings) -> Snapshot:
    """Read a directory's files; their metadata is taken first, so a later edit cannot hide."""
    metadata = _metadata_key(directory, settings)
    files = read_directory(directory, settings)
    parts = _inputs(directory)
    for _path, display, data in files:
        parts.append(display.encode())
        parts.append(b"\1" + data if isinstance(data, bytes) else b"\0" + data.encode())
    return Snapshot(files, content_key(parts), metadata)


def lookup(
    directory: PackageDir, settings: RunSettings, cache: ResultCache
) -> tuple[Snapshot | None, DirectoryResult | None]:
    """The stored result of a directory if its files are unchanged (else None: analyse it).

    Also the directory's snapshot when its files had to be read to tell.
    """
    name = os.path.abspath(directory.path)
    entry = cache.load(name)
    if entry is None or not isinstance(entry.value, DirectoryResult):
        return None, None
    if entry.metadata_key is not None and entry.metadata_key == _metadata_key(directory, settings):
        return None, _reported(directory, entry.value)
    current = snapshot(directory, settings)
    if current.content_key != entry.content_key:
        return current, None
    if current.metadata_key is not None:  # e.g. touched: next time, metadata will do
        cache.store(name, Entry(current.content_key, current.metadata_key, entry.value))
    return current, _reported(directory, entry.value)


def analyse_directory(
    directory: PackageDir,
    settings: RunSettings,
    cache: ResultCache | None = None,
    files: Snapshot | None = None,
) -> DirectoryResult:
    """Worker entry point: everything about one directory, stored in `cache` if given.

    `files`: the directory's snapshot when the caller has already read it.
    """
    if files is None:
        files = snapshot(directory, settings) if cache is not None else None
    read = files.files if files is not None else read_directory(directory, settings)
    from golint_resilience.engine.analyse import analyse_files  # noqa: PLC0415 (see load_analysis)

    result = analyse_files(directory, read, settings)
    if cache is not None and files is not None and not result.tool_errors:  # a crash is retried
        stored = dataclasses.replace(result, analysed=False)
        cache.store(os.path.abspath(directory.path), Entry(files.content_key, files.metadata_key, stored))
    return _reported(directory, result)


def load_analysis() -> None:
    """Import the analysis (parser, checks, fact extractors), as analyse_directory does.

    Only a directory the cache cannot answer needs it: a run the cache answers whole never
    imports it, which is most of what a warm run would otherwise spend. A run that
    analyses in worker processes calls this before they fork, so that they share it.
    """
    importlib.import_module("golint_resilience.engine.analyse")


def facts_only(settings: RunSettings) -> RunSettings:
    """The settings of a run that only computes facts (no checks, no test files)."""
    return RunSettings(
        rules=(),
        options=settings.options,
        include_generated=settings.include_generated,
        deployment_facts=settings.deployment_facts,
        liveness_probe_paths=settings.liveness_probe_paths,
        roles=settings.roles,
    )


def facts_of_directory(
    directory: str,
    settings: RunSettings,
    cache: ResultCache | None = None,
    whole_runs: ResultCache | None = None,
) -> list[PackageFacts]:
    """Facts only, for a module-local package that the patterns did not include.

    `whole_runs`: the cache of runs with the run's own settings. Without test files they
    read the files a facts-only run reads and find the same facts, so the entry of a whole
    run (`./...`, then `resilint FILE` from pre-commit) answers for the package.
    """
    path = Path(directory)
    package_dir = PackageDir(path, sorted(p for p in path.glob("*.go") if not p.name.endswith("_test.go")))
    if whole_runs is not None and not settings.include_tests:
        _files, stored = lookup(package_dir, settings, whole_runs)
        if stored is not None:
            return stored.facts
    if cache is None:
        return analyse_directory(package_dir, facts_only(settings)).facts
    files, stored = lookup(package_dir, facts_only(settings), cache)
    return (stored or analyse_directory(package_dir, facts_only(settings), cache, files)).facts


def overlaid(directory: PackageDir, settings: RunSettings, overlay: Mapping[str, bytes]) -> Snapshot:
    """A directory's files with the contents in `overlay` (keyed by display path) instead of the disk's."""
    files = [
        (path, display, overlay.get(display, data))
        for path, display, data in read_directory(directory, settings)
    ]
    return Snapshot(files, content_key="", metadata_key=None)  # never stored: no key needed
