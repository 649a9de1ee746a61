"""The analysis of a directory's packages: facts first, then every selected check, turned into findings.

The only engine module that loads the parser and the checks; directory.py imports it
when a directory must be analysed, so a run the cache answers never loads them.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import traceback
from pathlib import Path

from golint_resilience import checks  # noqa: F401  (checks: registers every check)
from golint_resilience.analysis.facts import FactsBuilder, PackageFacts
from golint_resilience.analysis.guarded import Matches, within_budget
from golint_resilience.analysis.resolve import enclosing, enclosing_declaration, function_key
from golint_resilience.analysis.role_reading import role_facts
from golint_resilience.analysis.test_only import used_only_by_tests
from golint_resilience.catalog.specs import RuleSpec, load_catalog
from golint_resilience.engine.queries import collect_matches, combined_query, extractors, fragments_for
from golint_resilience.engine.reading import ReadFile
from golint_resilience.engine.results import DirectoryResult, PendingFinding
from golint_resilience.filtering import suppress
from golint_resilience.golang.discover import PackageDir
from golint_resilience.golang.gomod import find_module
from golint_resilience.golang.index import FileContext, Package
from golint_resilience.golang.parsing import Node
from golint_resilience.golang.scan import import_paths, is_build_ignored, is_generated, package_name
from golint_resilience.golang.source import SourceFile
from golint_resilience.model import FileError, Finding, ToolError, fingerprint
from golint_resilience.registry import (
    CHECKS,
    CheckContext,
    CheckFunction,
    FactFunction,
    Match,
    MatchContext,
    Report,
)
from golint_resilience.settings import RunSettings


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
    for extractor in extractors(settings):
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
                local = package.module.facts_directory(path)
                if local is not None:
                    imports.add(local)
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


def _to_finding(
    spec: RuleSpec, report: Report, declaration: Node | None, scope: str, occurrence: int, message: str
) -> Finding:
    """The finding of a report made in `declaration`, whose key `scope` is part of its fingerprint."""
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
        used_only_by_tests=used_only_by_tests(declaration, report.context),
    )


def analyse_package(package: Package, settings: RunSettings, result: DirectoryResult) -> None:
    """Facts and findings of one package, appended to `result`."""
    catalog = load_catalog()
    query = combined_query(fragments_for(settings), settings)
    matches_by_fragment, errors = collect_matches(package, query)
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
            _record(catalog[rule_id], reports, seen, result)
        except Exception as exc:
            result.tool_errors.append(tool_error(rule_id, exc, package))


def _record(
    spec: RuleSpec,
    reports: list[Report],
    seen: dict[tuple[str, str, str, str], int],
    result: DirectoryResult,
) -> None:
    """Turn a check's reports into findings and pending findings."""
    rule_id = spec.id
    for report in sorted(reports, key=lambda r: (r.context.file.display, r.node.start_byte)):
        if report.context.file.root.has_error and _inside_error(report.node, report.context):
            continue
        declaration = enclosing_declaration(report.node, report.context)
        # the enclosing function's key ("" at top level): part of a finding's fingerprint
        scope = function_key(declaration, report.context) if declaration is not None else ""
        key = (rule_id, report.context.file.display, scope, report.context.text(report.node))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        if report.condition is None:
            message = spec.message(report.variant, **dict(report.values))
            result.findings.append(_to_finding(spec, report, declaration, scope, occurrence, message))
        else:
            finding = _to_finding(spec, report, declaration, scope, occurrence, message="")
            result.pending.append(
                PendingFinding(finding, report.condition, report.variant, report.values, report.if_unknown)
            )


def analyse_files(directory: PackageDir, files: list[ReadFile], settings: RunSettings) -> DirectoryResult:
    """Everything about one directory's files: their packages' facts, findings and directives."""
    result = DirectoryResult(analysed=True)
    packages, errors = group_packages(directory, files, settings)
    result.file_errors.extend(errors)
    for package in packages:
        result.files += len(package.contexts)
        for context in package.contexts:
            result.directives.extend(suppress.scan(context.file.display, context.file.data))
        analyse_package(package, settings, result)
    return result


def group_packages(
    directory: PackageDir, files: list[ReadFile], settings: RunSettings
) -> tuple[list[Package], list[FileError]]:
    """The files grouped by package clause (build-ignored and, unless asked, generated files left out)."""
    errors: list[FileError] = []
    groups: dict[str, list[SourceFile]] = {}
    left_out: list[bytes] = []
    for path, display, data in files:
        if isinstance(data, str):
            errors.append(FileError(display, data))
            continue
        if is_build_ignored(data) or (not settings.include_generated and is_generated(data)):
            left_out.append(data)
            continue
        file = SourceFile(path, display, data)
        name = package_name(data) or _parsed_package_name(file)
        if name is None:
            errors.append(FileError(display, "no package clause: not a Go source file"))
            continue
        groups.setdefault(name, []).append(file)
    resolved = Path(os.path.abspath(directory.path))
    module = find_module(resolved)
    packages = [
        Package(resolved, name, files, module, tuple(left_out)) for name, files in sorted(groups.items())
    ]
    return packages, errors


def _parsed_package_name(file: SourceFile) -> str | None:
    clause = next((c for c in file.root.named_children if c.type == "package_clause"), None)
    name = clause.named_children[0] if clause is not None and clause.named_children else None
    return file.text(name) if name is not None else None
