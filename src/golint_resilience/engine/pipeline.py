"""Run the checks over package directories and collect findings, in one direction.

discover → per directory (in a worker): read, filter, group by package clause, run the
combined query once per file, build the package's facts, run the checks → findings and
pending findings (conditioned on other packages' facts) → in the parent: facts of any
module-local package still missing, conditions resolved, findings sorted.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
import stat
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from golint_resilience import checks  # noqa: F401  (checks: registers every check)
from golint_resilience.analysis.facts import (
    AllOf,
    ClosureFlags,
    Condition,
    FactsBuilder,
    FactStore,
    FunctionFact,
    ModuleFlag,
    PackageFacts,
    summary_notes,
)
from golint_resilience.analysis.guarded import Matches, within_budget
from golint_resilience.analysis.resolve import enclosing, enclosing_declaration, function_key
from golint_resilience.analysis.rolefacts import RoleFacts, role_facts
from golint_resilience.analysis.roles import assign_roles, main_closures_missing
from golint_resilience.analysis.servicefacts import DeadlineFact, RouteFact, ServiceFacts
from golint_resilience.analysis.triggers import Prefilter
from golint_resilience.catalog.specs import RuleSpec, load_catalog
from golint_resilience.engine import interrupts
from golint_resilience.engine.cache import Entry, ResultCache, content_key, metadata_key, prune
from golint_resilience.engine.codec import Codec
from golint_resilience.filtering import stage, suppress
from golint_resilience.golang.discover import PackageDir
from golint_resilience.golang.gomod import find_module
from golint_resilience.golang.index import FileContext, Package
from golint_resilience.golang.parsing import Node, Query, compile_query, matches
from golint_resilience.golang.repository import git_top_level
from golint_resilience.golang.source import (
    SourceFile,
    display_path,
    import_paths,
    is_build_ignored,
    is_generated,
    package_name,
)
from golint_resilience.model import (
    Edit,
    FileError,
    Finding,
    Fix,
    Place,
    RelatedLocation,
    RunResult,
    Severity,
    Span,
    ToolError,
    fingerprint,
)
from golint_resilience.registry import (
    CHECKS,
    FACT_EXTRACTORS,
    FRAGMENTS,
    CheckContext,
    CheckFunction,
    FactExtractor,
    FactFunction,
    Match,
    MatchContext,
    Options,
    Report,
)
from golint_resilience.settings import RunSettings


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


class DeploymentStage(Protocol):
    """Checks of deployment files, run by `run` once every package's facts are known."""

    @property
    def liveness_probe_paths(self) -> tuple[str, ...]:
        """The paths liveness probes ask for: the only routes whose handlers facts analyse."""

    def __call__(self, store: FactStore) -> DirectoryResult:
        """Findings, directives and notes of the deployment files."""


# --- loading ---------------------------------------------------------------------------


ReadFile = tuple[Path, str, "bytes | str"]  # path, display path, its bytes or why they cannot be read


def _run_files(directory: PackageDir, settings: RunSettings) -> list[Path]:
    """The directory's files that the run looks at (test files only if asked)."""
    return [p for p in directory.files if settings.include_tests or not p.name.endswith("_test.go")]


def read_directory(directory: PackageDir, settings: RunSettings) -> list[ReadFile]:
    """The bytes of the directory's files that the run looks at, or why they cannot be read."""
    found: list[ReadFile] = []
    for path in _run_files(directory, settings):
        try:
            found.append((path, display_path(path), _read_regular_file(path)))
        except OSError as exc:
            found.append((path, display_path(path), f"cannot read: {exc.strerror or exc}"))
    return found


def _group_packages(
    directory: PackageDir, files: list[ReadFile], settings: RunSettings
) -> tuple[list[Package], list[FileError]]:
    errors: list[FileError] = []
    groups: dict[str, list[SourceFile]] = {}
    for path, display, data in files:
        if isinstance(data, str):
            errors.append(FileError(display, data))
            continue
        if is_build_ignored(data) or (not settings.include_generated and is_generated(data)):
            continue
        file = SourceFile(path, display, data)
        name = package_name(data) or _parsed_package_name(file)
        if name is None:
            errors.append(FileError(display, "no package clause: not a Go source file"))
            continue
        groups.setdefault(name, []).append(file)
    resolved = Path(os.path.abspath(directory.path))
    module = find_module(resolved)
    packages = [Package(resolved, name, files, module) for name, files in sorted(groups.items())]
    return packages, errors


def _read_regular_file(path: Path) -> bytes:
    """A file's bytes; a FIFO or device (`x.go -> /dev/zero`) would block or never end."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(0, "not a regular file")
    return path.read_bytes()


def _parsed_package_name(file: SourceFile) -> str | None:
    clause = next((c for c in file.root.named_children if c.type == "package_clause"), None)
    name = clause.named_children[0] if clause is not None and clause.named_children else None
    return file.text(name) if name is not None else None


# --- queries ---------------------------------------------------------------------------


_MAX_COMPILED_QUERIES = 64  # compiling costs ~1.5 ms; the common combinations come first


class CombinedQuery:
    """The fragments a run needs, run in one query pass per file (in C).

    Each file gets a query made of only the fragments whose triggers it contains (most
    files trigger a few): a query costs per node and per pattern, so fewer patterns cost
    less. The queries for the combinations seen are compiled once per process.
    """

    def __init__(self, names: tuple[str, ...], options: Options) -> None:
        self.names = names
        self.sources = {name: FRAGMENTS[name].source(options) for name in names}
        self.pattern_counts = {
            name: compile_query(source, f"fragment {name}").pattern_count
            for name, source in self.sources.items()
        }
        self.prefilter = Prefilter(
            {name: FRAGMENTS[name].triggers(options) for name in names},
            {name: FRAGMENTS[name].package_triggers(options) for name in names},
        )
        self._compiled: dict[tuple[str, ...], tuple[Query, list[str]]] = {}

    def _query(self, names: tuple[str, ...]) -> tuple[Query, list[str]]:
        compiled = self._compiled.get(names)
        if compiled is None and len(self._compiled) >= _MAX_COMPILED_QUERIES:
            names = self.names  # a rare combination: the query of every fragment serves it too
            compiled = self._compiled.get(names)
        if compiled is None:
            query = compile_query("\n".join(self.sources[name] for name in names), "combined query")
            owner = [name for name in names for _ in range(self.pattern_counts[name])]
            compiled = self._compiled[names] = (query, owner)
        return compiled

    def run(self, context: FileContext, names: tuple[str, ...], into: dict[str, list[Match]]) -> bool:
        """Run the fragments `names` over one file and file the matches under them.

        False when the search had to drop some (see parsing.MATCH_LIMIT).
        """
        query, owner = self._query(names)
        found, complete = matches(query, context.file.root)
        for pattern, captures in found:
            into.setdefault(owner[pattern], []).append(Match(context, captures))
        return complete


_QUERY_CACHE: dict[tuple[tuple[str, ...], str], CombinedQuery] = {}


def combined_query(names: Iterable[str], settings: RunSettings) -> CombinedQuery:
    """The compiled query for a set of fragments, cached per process."""
    key = (tuple(sorted(set(names))), settings.digest)
    if key not in _QUERY_CACHE:
        _QUERY_CACHE[key] = CombinedQuery(key[0], settings.options)
    return _QUERY_CACHE[key]


def _extractors(settings: RunSettings) -> list[FactExtractor]:
    return [e for e in FACT_EXTRACTORS if settings.deployment_facts or not e.for_deployment]


def _fragments_for(settings: RunSettings) -> set[str]:
    names = {name for extractor in _extractors(settings) for name in extractor.fragments}
    names.update(
        name for rule_id in settings.rules if rule_id in CHECKS for name in CHECKS[rule_id].fragments
    )
    return names


# --- analysis of one package -------------------------------------------------------------


_INCOMPLETE_SEARCH = "nested too deeply to search completely: findings in it may be missing"


def _collect_matches(
    package: Package, query: CombinedQuery
) -> tuple[dict[str, list[Match]], list[FileError]]:
    found: dict[str, list[Match]] = {}
    errors = []
    wanted_by_file = query.prefilter.wanted(query.prefilter.searches(package))
    for context, wanted in zip(package.contexts, wanted_by_file, strict=True):
        if not wanted:
            continue
        if not query.run(context, wanted, found):
            errors.append(FileError(context.file.display, _INCOMPLETE_SEARCH))
        if context.file.root.has_error:
            errors.append(
                FileError(
                    context.file.display, "syntax errors: analysed where the tree is sound", partial=True
                )
            )
    return found, errors


def build_facts(
    package: Package,
    matches_by_fragment: dict[str, list[Match]],
    settings: RunSettings,
    tool_errors: list[ToolError],
    notices: list[FileError],
) -> PackageFacts:
    """Run every fact extractor over a package's matches (one that raises is reported, not fatal)."""
    builder = FactsBuilder()
    for context in package.contexts:
        builder.declared.update(context.declared_functions)
    for extractor in _extractors(settings):
        extract = functools.partial(_extract, package, settings, extractor.function)
        try:
            what = f"facts of {extractor.name}"
            builder.merge(within_budget(what, extract, matches_by_fragment, package, notices))
        except Exception as exc:
            tool_errors.append(tool_error(f"fact extractor {extractor.name}", exc, package))
    imports: set[str] = set()
    if package.module is not None:
        local_paths = [path.encode() for path in package.module.local_module_paths]
        for context in package.contexts:
            if not any(path in context.file.data for path in local_paths):  # no module-local import
                continue
            for path in import_paths(context.file.data):
                local = package.module.directory_of(path)
                if local is not None:
                    imports.add(os.path.abspath(local))
    built = builder.build(str(package.directory), package.name, tuple(sorted(imports)))
    return dataclasses.replace(built, roles=role_facts(package))


def _extract(
    package: Package, settings: RunSettings, function: FactFunction, matches: Matches
) -> FactsBuilder:
    """The facts one extractor finds in `matches`, in a builder of their own.

    A retry without a file then keeps nothing of what the failed attempt saw in it.
    """
    found = FactsBuilder()
    liveness = frozenset(settings.liveness_probe_paths)
    function(MatchContext(package, settings.options, matches, liveness), found)
    return found


def _check(context: CheckContext, function: CheckFunction, matches: Matches) -> list[Report]:
    """The reports of one check over `matches`."""
    return list(function(dataclasses.replace(context, matches_by_fragment=matches)))


def tool_error(what: str, exc: Exception, package: Package) -> ToolError:
    """A ToolError naming the file the failing code was working on.

    That is the innermost frame of the traceback holding a FileContext, Match or Report
    (checks pass one around for every node they look at), so no check needs to say
    which file it is on; the package directory when none does.
    """
    where = package.directory.as_posix()
    for frame, _line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        found = next((_display_of(value) for value in frame.f_locals.values() if _display_of(value)), None)
        if found is not None:
            where = found
            break
    return ToolError(what, where, f"{type(exc).__name__}: {exc}")


def _display_of(value: object) -> str | None:
    if isinstance(value, FileContext):
        return value.file.display
    if isinstance(value, (Match, Report)):
        return value.context.file.display
    return None


_ERROR = frozenset({"ERROR"})


def _inside_error(node: Node, context: FileContext) -> bool:
    return node.type == "ERROR" or enclosing(node, _ERROR, context) is not None


def _scope(report: Report) -> str:
    """The enclosing function's key ("" at top level): part of a finding's fingerprint."""
    declaration = enclosing_declaration(report.node, report.context)
    return function_key(declaration, report.context) if declaration is not None else ""


def _to_finding(spec: RuleSpec, report: Report, scope: str, occurrence: int, message: str) -> Finding:
    file = report.context.file
    span = file.span(report.node)
    # Never a fix in a file with syntax errors (its tree may be wrong) or in generated code.
    fixable = not file.root.has_error and not is_generated(file.data)
    return Finding(
        rule_id=spec.id,
        rule_name=spec.name,
        severity=report.severity or spec.severity,
        path=file.display,
        span=span,
        message=message,
        fingerprint=fingerprint(spec.id, file.display, scope, file.text(report.node), occurrence),
        snippet=file.line_text(span.line),
        line_hash=file.line_hashes.of(span.line),
        fix=report.fix if fixable else None,
        unless_served=report.unless_served,
    )


def analyse_package(
    package: Package, settings: RunSettings, selected: set[str] | None, result: DirectoryResult
) -> None:
    """Facts and findings of one package, appended to `result`."""
    catalog = load_catalog()
    query = combined_query(_fragments_for(settings), settings)
    matches_by_fragment, errors = _collect_matches(package, query)
    result.file_errors.extend(errors)
    facts = build_facts(package, matches_by_fragment, settings, result.tool_errors, result.file_errors)
    if not package.name.endswith("_test"):
        result.facts.append(facts)
    context = CheckContext(package, settings.options, matches_by_fragment, facts=facts)
    seen: dict[tuple[str, str, str, str], int] = {}  # occurrences of a text in a function
    for rule_id in settings.rules:
        registered = CHECKS.get(rule_id)
        if registered is None:
            continue
        check = functools.partial(_check, context, registered.function)
        try:
            reports = within_budget(rule_id, check, matches_by_fragment, package, result.file_errors)
            _record(catalog[rule_id], reports, selected, seen, result)
        except Exception as exc:
            result.tool_errors.append(tool_error(rule_id, exc, package))


def _record(
    spec: RuleSpec,
    reports: list[Report],
    selected: set[str] | None,
    seen: dict[tuple[str, str, str, str], int],
    result: DirectoryResult,
) -> None:
    """Turn a check's reports into findings and pending findings."""
    rule_id = spec.id
    for report in sorted(reports, key=lambda r: (r.context.file.display, r.node.start_byte)):
        if report.context.file.root.has_error and _inside_error(report.node, report.context):
            continue
        if selected is not None and report.context.file.display not in selected:
            continue
        scope = _scope(report)
        key = (rule_id, report.context.file.display, scope, report.context.text(report.node))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        if report.condition is None:
            message = spec.message(report.variant, **dict(report.values))
            result.findings.append(_to_finding(spec, report, scope, occurrence, message))
        else:
            finding = _to_finding(spec, report, scope, occurrence, message="")
            result.pending.append(
                PendingFinding(finding, report.condition, report.variant, report.values, report.if_unknown)
            )


# --- the cache -------------------------------------------------------------------------

# Every type a cached DirectoryResult may hold (a value of any other type is not stored).
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

    Where it is, its module (from go.mod), its git work tree's top level (its role facts
    depend on it) and the files reported on; the display paths, part of both keys, also
    capture the working directory.
    """
    name = os.path.abspath(directory.path)
    parts = [name.encode()]
    module = find_module(Path(name))
    if module is not None:
        parts.extend((str(module.root).encode(), module.path.encode()))
    top = git_top_level(Path(name))  # where the directory names that give roles start (rolefacts.py)
    parts.append(str(top).encode() if top is not None else b"")
    if directory.selected is not None:
        parts.append(b"selected")
        parts.extend(sorted(display_path(p).encode() for p in directory.selected))
    return parts


def _cache(cache_dir: Path | None, settings: RunSettings) -> ResultCache | None:
    """The cache of runs with these settings under `cache_dir` (None: no cache), marked used."""
    if cache_dir is None:
        return None
    cache = ResultCache(cache_dir, settings.digest, CACHE_CODEC)
    cache.mark_used()
    return cache


def _metadata_key(directory: PackageDir, settings: RunSettings) -> str | None:
    files = [(display_path(p), p) for p in _run_files(directory, settings)]
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
        return None, entry.value
    current = snapshot(directory, settings)
    if current.content_key != entry.content_key:
        return current, None
    if current.metadata_key is not None:  # e.g. touched: next time, metadata will do
        cache.store(name, Entry(current.content_key, current.metadata_key, entry.value))
    return current, entry.value


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
    result = DirectoryResult(analysed=True)
    packages, errors = _group_packages(directory, read, settings)
    result.file_errors.extend(errors)
    selected = {display_path(p) for p in directory.selected} if directory.selected is not None else None
    for package in packages:
        result.files += len(package.contexts)
        for context in package.contexts:
            if selected is None or context.file.display in selected:
                result.directives.extend(suppress.scan(context.file.display, context.file.data))
        analyse_package(package, settings, selected, result)
    if cache is not None and files is not None and not result.tool_errors:  # a crash is retried
        stored = dataclasses.replace(result, analysed=False)
        cache.store(os.path.abspath(directory.path), Entry(files.content_key, files.metadata_key, stored))
    return result


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
    directory: str, settings: RunSettings, cache: ResultCache | None = None
) -> list[PackageFacts]:
    """Facts only, for a module-local package that the patterns did not include."""
    path = Path(directory)
    package_dir = PackageDir(path, sorted(p for p in path.glob("*.go") if not p.name.endswith("_test.go")))
    if cache is None:
        return analyse_directory(package_dir, facts_only(settings)).facts
    files, stored = lookup(package_dir, facts_only(settings), cache)
    return (stored or analyse_directory(package_dir, facts_only(settings), cache, files)).facts


# --- the whole run ---------------------------------------------------------------------

NO_FILTERS = stage.Filters()

Job = tuple[list[PackageDir], RunSettings, "ResultCache | None"]
_BATCH_BYTES = 512 * 1024  # small directories travel together, so that scheduling costs stay small
_BATCHES_PER_JOB = 16  # ... but a small tree is still cut finely enough to keep every worker busy


def _worker(job: Job) -> list[DirectoryResult]:
    directories, settings, cache = job
    return [analyse_directory(directory, settings, cache) for directory in directories]


def _size(directory: PackageDir) -> int:
    total = 0
    for file in directory.files:
        try:
            total += file.stat().st_size
        except OSError:
            continue
    return total


def _batches(directories: list[PackageDir], jobs: int) -> list[list[PackageDir]]:
    """Largest directories first, each alone; the small ones grouped into batches.

    Largest first keeps every worker busy to the end (no big package is left for last).
    """
    sized = sorted(((_size(d), d) for d in directories), key=lambda p: -p[0])
    limit = min(_BATCH_BYTES, sum(size for size, _ in sized) // (jobs * _BATCHES_PER_JOB))
    batches: list[list[PackageDir]] = []
    batch: list[PackageDir] = []
    batch_bytes = 0
    for size, directory in sized:
        batch.append(directory)
        batch_bytes += size
        if batch_bytes >= limit:
            batches.append(batch)
            batch, batch_bytes = [], 0
    if batch:
        batches.append(batch)
    return batches


def _overlaid(directory: PackageDir, settings: RunSettings, overlay: Mapping[str, bytes]) -> Snapshot:
    """A directory's files with the contents in `overlay` (keyed by display path) instead of the disk's."""
    files = [
        (path, display, overlay.get(display, data))
        for path, display, data in read_directory(directory, settings)
    ]
    return Snapshot(files, content_key="", metadata_key=None)  # never stored: no key needed


def _analyse_all(
    directories: list[PackageDir],
    settings: RunSettings,
    cache: ResultCache | None,
    overlay: Mapping[str, bytes] | None = None,
) -> Iterator[DirectoryResult]:
    """Results of every directory, in no particular order (the caller sorts).

    The parent looks every directory up in the cache (reading and hashing its files is
    cheap); only the others go to the workers, which read the files again themselves
    and key what they store by what they read. With an overlay (contents not on disk),
    every directory is analysed here, without the cache.
    """
    if overlay is not None:
        for directory in directories:
            yield analyse_directory(directory, settings, None, _overlaid(directory, settings, overlay))
        return
    todo = directories
    if cache is not None:
        todo = []
        for directory in directories:
            files, stored = lookup(directory, settings, cache)
            if stored is not None:
                yield stored
            elif settings.jobs <= 1:
                yield analyse_directory(directory, settings, cache, files)
            else:
                todo.append(directory)
    if settings.jobs <= 1 or len(todo) <= 1:
        for directory in todo:
            yield analyse_directory(directory, settings, cache)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    workers = min(settings.jobs, len(todo))
    with multiprocessing.get_context(method).Pool(workers, initializer=interrupts.in_worker) as pool:
        jobs: list[Job] = [(batch, settings, cache) for batch in _batches(todo, settings.jobs)]
        for results in pool.imap_unordered(_worker, jobs):
            yield from results


def complete_facts(
    missing: Callable[[], set[str]], store: FactStore, settings: RunSettings, cache_dir: Path | None
) -> None:
    """Compute the facts of the packages `missing()` names until it names none.

    `missing` is asked again after each round: what it needs may grow with what it learns.
    """
    cache = (
        ResultCache(cache_dir, facts_only(settings).digest, CACHE_CODEC) if cache_dir is not None else None
    )
    while wanted := sorted(missing()):
        for directory in wanted:
            found = facts_of_directory(directory, settings, cache)
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
    cache = _cache(cache_dir, settings) if overlay is None else None
    for done, result in enumerate(_analyse_all(directories, settings, cache, overlay), start=1):
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
