"""Inline suppressions: `//resilint:ignore`, `//resilint:ignore-file` and golangci-lint's `//nolint`.

Spellings (each may end with a reason; `//nolint` takes it after a second `//`):

- `//resilint:ignore RES201,RES3 reason` at the end of the flagged line, or alone on the
  line above it; ids, prefixes or rule names (`exit-outside-main`), comma-separated.
- `//resilint:ignore-file RES101 reason` in the file's header (before the first top-level
  `func`, `type`, `var` or `const`): the whole file.
- `//nolint`, `//nolint:resilint`, `//nolint:RES201,errcheck // reason` like golangci-lint:
  bare or naming resilint or a rule. Placed on or directly above the `package` clause, it
  covers the whole file (golangci-lint does too).
- Other linters' directives for the same problem (*equivalents*, listed by each rule's
  `equivalents`): `//nolint:gosec // reason` silences the rules equivalent to a gosec
  check, `//nolint:noctx // reason` RES301, and so on; only with a written reason, since a
  linter-wide `//nolint` may have been written for another of its checks. `#nosec G108`
  (gosec's own annotation, justification after ` -- ` optional) names the check itself and
  silences the rules equivalent to it; a bare `#nosec` needs a justification. Equivalents
  are never reported as unused: they speak for their own linter first.

The engine scans each analysed file for directives (`scan`), then `apply` marks the
findings they silence (kept, so JSON and SARIF can show them) and, as rule RES901, reports
directives that silence nothing, or lack a reason when `require-reason` is set.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from golint_resilience.catalog.specs import RuleSpec, load_catalog
from golint_resilience.golang.linehash import LineHashes
from golint_resilience.model import Finding, Span, fingerprint

UNUSED_SUPPRESSION = "RES901"

_IGNORE_TAIL = r"resilint:ignore(-file)?(?:\s+([A-Za-z0-9_,\-]+))?[ \t]*(.*)$"
_IGNORE = re.compile(r"//\s*" + _IGNORE_TAIL)
_HASH_IGNORE = re.compile(r"#\s*" + _IGNORE_TAIL)  # deployment files: YAML, Dockerfiles, units
_NOLINT = re.compile(r"//\s*nolint(?::([\w,\-]+))?(?:\s*//\s*(.*))?")
_NOSEC = re.compile(r"//.*?#nosec\b((?:[\s,]+G\d+)*)(?:\s*--\s*(.*))?")
_GOSEC = "gosec"
_DECLARATION = re.compile(r"^(?:func|type|var|const)\b")
_PACKAGE = re.compile(r"^package\s")


class Scope(enum.Enum):
    """What a directive covers, from where it stands."""

    LINE = "line"  # at the end of a line of code: that line
    NEXT_LINE = "next-line"  # alone on its line: the next line
    FILE = "file"  # the whole file
    MISPLACED = "misplaced"  # `ignore-file` below the header: nothing


@dataclass(frozen=True, slots=True)
class Directive:
    """One suppression comment: which rule ids (prefixes) it covers, and why."""

    selectors: tuple[str, ...]  # rule ids or prefixes; empty: every rule
    reason: str
    golangci: bool = False  # a `//nolint`; bare, it speaks for every linter
    equivalent: bool = False  # written for another linter's check for the same problem
    file_wide: bool = False  # `//resilint:ignore-file`
    column: int = 1  # 1-based character column of its `//`

    def covers(self, rule_id: str) -> bool:
        """Does the directive silence this rule?"""
        return not self.selectors or any(rule_id.startswith(s) for s in self.selectors)


@dataclass(frozen=True, slots=True)
class PlacedDirective:
    """A directive where it stands in a file: what `apply` matches and RES901 reports."""

    directive: Directive
    scope: Scope
    path: str  # display path, as in findings
    line: int
    line_text: str
    line_hash: str | None  # SARIF primaryLocationLineHash of the line (linehash.py)

    @property
    def comment(self) -> str:
        """The directive's text from its `//` on."""
        return self.line_text[self.directive.column - 1 :].strip()


@functools.cache
def _ids_by_name() -> dict[str, str]:
    return {spec.name: rule_id for rule_id, spec in load_catalog().items()}


@functools.cache
def _equivalents() -> dict[str, tuple[tuple[str, str], ...]]:
    """Linter → (its check, or "" for the whole linter; rule id), from the rules' `equivalents`."""
    found: dict[str, list[tuple[str, str]]] = {}
    for rule_id, spec in load_catalog().items():
        for equivalent in spec.equivalents:
            linter, _, name = equivalent.partition(":")
            found.setdefault(linter, []).append((name, rule_id))
    return {linter: tuple(pairs) for linter, pairs in found.items()}


def _equivalent_rules(linter: str, checks: Iterable[str] = ()) -> tuple[str, ...]:
    """The rules equivalent to `checks` of `linter` (to any of its checks when none is named)."""
    wanted = set(checks)
    pairs = _equivalents().get(linter.lower(), ())
    return tuple(sorted({rule_id for name, rule_id in pairs if not wanted or name in wanted}))


def _rule_selector(word: str) -> str:
    """A rule id or prefix for what a directive names: a rule name stands for its id."""
    return _ids_by_name().get(word) or word.upper()


def _ignore_directive(match: re.Match[str]) -> Directive | None:
    selectors = tuple(_rule_selector(s) for s in (match.group(2) or "").split(",") if s)
    if not selectors:  # `resilint:ignore` that names no rule is not a directive
        return None
    file_wide = match.group(1) is not None
    return Directive(selectors, match.group(3).strip(), file_wide=file_wide, column=match.start() + 1)


def parse_directive(line: str) -> Directive | None:
    """The directive in a source line, if any."""
    match = _IGNORE.search(line)
    if match:
        return _ignore_directive(match)
    match = _NOLINT.search(line)
    if match is None:
        return _nosec_directive(line)
    names = [n.strip() for n in (match.group(1) or "").split(",") if n.strip()]
    reason = (match.group(2) or "").strip()
    ours = tuple(n.upper() for n in names if n.lower() == "resilint" or n.upper().startswith("RES"))
    if names and not ours:
        # Other linters' names silence only the rules equivalent to their checks, with a reason.
        equivalent = tuple(sorted({r for n in names for r in _equivalent_rules(n)}))
        if not equivalent or not reason:
            return None
        return Directive(equivalent, reason, golangci=True, equivalent=True, column=match.start() + 1)
    selectors = ("RES",) if "RESILINT" in ours else ours  # every rule id starts with RES
    return Directive(selectors, reason, golangci=True, column=match.start() + 1)


def _nosec_directive(line: str) -> Directive | None:
    """The rules a gosec `#nosec G108 -- reason` silences: those equivalent to the checks it names.

    A bare `#nosec` (every gosec check) counts only with a justification, like `//nolint:gosec`.
    """
    match = _NOSEC.search(line)
    if match is None:
        return None
    checks = re.findall(r"G\d+", match.group(1))
    reason = (match.group(2) or "").strip()
    rules = _equivalent_rules(_GOSEC, checks)
    if not rules or not (checks or reason):
        return None
    return Directive(rules, reason, equivalent=True, column=match.start() + 1)


def scan(path: str, data: bytes) -> list[PlacedDirective]:
    """Every directive of a file (`path` is its display path), with what it covers."""
    if b"resilint:ignore" not in data and b"nolint" not in data and b"#nosec" not in data:
        return []
    # Lines as Go (and every finding) counts them: only "\n" ends one. str.splitlines() would
    # also break at \r, \f, \v, U+0085, U+2028…, and a directive would cover another line.
    lines = data.decode("utf-8", "replace").split("\n")
    hashes = LineHashes(data)
    found: list[PlacedDirective] = []
    in_header = True
    for number, text in enumerate(lines, start=1):
        if _DECLARATION.match(text):
            in_header = False
        directive = parse_directive(text)
        if directive is None:
            continue
        alone = not text[: directive.column - 1].strip()
        if directive.file_wide:
            scope = Scope.FILE if in_header else Scope.MISPLACED
        elif directive.golangci and _on_package_clause(lines, number, alone):
            scope = Scope.FILE
        else:
            scope = Scope.NEXT_LINE if alone else Scope.LINE
        found.append(PlacedDirective(directive, scope, path, number, text, hashes.of(number)))
    return found


def scan_hash_comments(path: str, text: str, *, inline: bool) -> list[PlacedDirective]:
    """The `# resilint:ignore…` directives of a deployment file.

    `inline`: a `#` after other text starts a comment (YAML); Dockerfiles and systemd
    units have whole-line comments only, so there a directive stands alone above its line.
    `ignore-file` belongs in the header: the comments and blank lines before the first
    other line.
    """
    if "resilint:ignore" not in text:
        return []
    found = []
    hashes = LineHashes(text.encode("utf-8", "surrogatepass"))
    in_header = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        match = _HASH_IGNORE.search(line)
        directive = _ignore_directive(match) if match is not None else None
        alone = directive is not None and not line[: directive.column - 1].strip()
        if stripped and not stripped.startswith("#"):
            in_header = False
        if directive is None or not (alone or inline):
            continue
        if directive.file_wide:
            scope = Scope.FILE if in_header else Scope.MISPLACED
        else:
            scope = Scope.NEXT_LINE if alone else Scope.LINE
        found.append(PlacedDirective(directive, scope, path, number, line, hashes.of(number)))
    return found


def _on_package_clause(lines: list[str], number: int, alone: bool) -> bool:
    """Is a `//nolint` on the package clause or alone just above it (golangci-lint: whole file)?"""
    if _PACKAGE.match(lines[number - 1]):
        return True
    return alone and number < len(lines) and _PACKAGE.match(lines[number]) is not None


def apply(
    findings: list[Finding],
    directives: Iterable[PlacedDirective],
    catalog: Mapping[str, RuleSpec],
    rules: tuple[str, ...],
    *,
    require_reason: bool,
) -> list[Finding]:
    """Mark the findings the directives silence, and add RES901's findings about directives.

    A directive without a reason silences nothing when `require_reason` is set, and is
    then reported whatever the selection. With RES901 selected, a directive that silenced
    nothing is reported, but only when every rule it names ran (otherwise it may be in use
    for a rule left out of this run); a bare `//nolint` is never reported, since it also
    speaks for other linters.
    """
    placed = sorted(directives, key=lambda d: (d.path, d.line))
    by_line: dict[tuple[str, int], list[PlacedDirective]] = {}
    by_file: dict[str, list[PlacedDirective]] = {}
    for item in placed:
        if item.scope is Scope.FILE:
            by_file.setdefault(item.path, []).append(item)
        elif item.scope is not Scope.MISPLACED:
            line = item.line + 1 if item.scope is Scope.NEXT_LINE else item.line
            by_line.setdefault((item.path, line), []).append(item)
    used: set[PlacedDirective] = set()
    marked = []
    for finding in findings:
        candidates = [*by_line.get((finding.path, finding.span.line), ()), *by_file.get(finding.path, ())]
        silencing = next(
            (
                c
                for c in candidates
                if c.directive.covers(finding.rule_id) and _counts(c.directive, require_reason=require_reason)
            ),
            None,
        )
        if silencing is None:
            marked.append(finding)
            continue
        used.add(silencing)
        marked.append(replace(finding, suppressed=True, suppression_reason=silencing.directive.reason))
    spec = catalog[UNUSED_SUPPRESSION]
    judged = UNUSED_SUPPRESSION in rules
    occurrences: dict[tuple[str, str], int] = {}
    for item in placed:
        variant = _verdict(item, used, catalog, set(rules), judged=judged, require_reason=require_reason)
        if variant is not None:
            key = (item.path, item.comment)
            occurrence = occurrences.get(key, 0)
            occurrences[key] = occurrence + 1
            marked.append(_directive_finding(spec, item, variant, occurrence))
    return marked


def _counts(directive: Directive, *, require_reason: bool) -> bool:
    """Does the directive silence what it covers? Equivalents follow their own linter's rules."""
    return bool(directive.reason) or directive.equivalent or not require_reason


def _verdict(
    item: PlacedDirective,
    used: set[PlacedDirective],
    catalog: Mapping[str, RuleSpec],
    rules: set[str],
    *,
    judged: bool,
    require_reason: bool,
) -> str | None:
    """The RES901 message variant for a directive, or None when there is nothing to say."""
    directive = item.directive
    if directive.equivalent:
        return None  # another linter's directive: that linter judges whether it is in use
    if require_reason and not directive.reason:
        return "missing_reason"
    if not judged or item in used or not directive.selectors:
        return None
    if item.scope is Scope.MISPLACED:
        return "misplaced"
    covered = {rule_id for rule_id in catalog if directive.covers(rule_id)} - {UNUSED_SUPPRESSION}
    if not covered:
        return "unknown_rule"
    return "default" if covered <= rules else None


def _directive_finding(spec: RuleSpec, item: PlacedDirective, variant: str, occurrence: int) -> Finding:
    text = item.line_text.rstrip()
    column = item.directive.column
    end = len(text) + 1
    comment = item.comment
    return Finding(
        rule_id=spec.id,
        rule_name=spec.name,
        severity=spec.severity,
        path=item.path,
        span=Span.on_line(item.line, text, column, end),
        message=spec.message(variant, directive=comment, rules=",".join(item.directive.selectors) or "all"),
        fingerprint=fingerprint(spec.id, item.path, "", comment, occurrence),
        snippet=item.line_text,
        line_hash=item.line_hash,
    )
