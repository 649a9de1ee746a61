"""Plain, picklable value types shared by every layer: severities, spans, fixes, findings, errors."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field

from golint_resilience.golang.repository import repository_path

_WHITESPACE = re.compile(r"\s+")


class ResilintError(Exception):
    """Root of every error resilint reports to the user as one line (exit code 2)."""


class Severity(enum.Enum):
    """How bad a finding is; ordered so that `--fail-on` can compare."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for note, 1 for warning, 2 for error."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a file: 1-based lines, 1-based columns counted in characters.

    The columns are kept in UTF-16 code units too, because SARIF consumers (GitHub) count
    in those, and in UTF-8 bytes, which reviewdog counts, while terminals and JSON users
    count characters.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    utf16_column: int
    utf16_end_column: int
    byte_column: int
    byte_end_column: int

    @classmethod
    def on_line(cls, line: int, text: str, column: int, end_column: int) -> Span:
        """The span of the characters `column:end_column` (1-based) of a line whose text is `text`."""

        def utf16(at: int) -> int:
            return len(text[: at - 1].encode("utf-16-le", "surrogatepass")) // 2 + 1

        def utf8(at: int) -> int:
            return len(text[: at - 1].encode("utf-8", "surrogatepass")) + 1

        return cls(
            line, column, line, end_column, utf16(column), utf16(end_column), utf8(column), utf8(end_column)
        )


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the bytes `start:end` of a file with `text` (an insertion when they are equal).

    `span` is the same region in lines and columns (for SARIF, JSON and reviewdog).
    """

    start: int
    end: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Fix:
    """The repair of one finding: edits of the finding's own file, applied all or none.

    `safe`: keeps the program's meaning apart from the resilience repair and always
    compiles (`--fix`); otherwise a reviewer must look (`--unsafe-fixes`).
    """

    description: str
    edits: tuple[Edit, ...]
    safe: bool


@dataclass(frozen=True, slots=True)
class Place:
    """A region of a file (Go or deployment) by its display path."""

    path: str
    span: Span

    def __str__(self) -> str:
        return f"{self.path}:{self.span.line}"


@dataclass(frozen=True, slots=True)
class RelatedLocation:
    """Another place a finding involves (a deployment finding's Go code), and what it shows there."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. Reporters format these; they never derive new ones."""

    rule_id: str
    rule_name: str
    severity: Severity
    path: str  # relative to the working directory, '/'-separated
    span: Span
    message: str
    fingerprint: str
    snippet: str  # the source lines of the span's first line, for code frames
    line_hash: str | None  # SARIF primaryLocationLineHash of the span's first line (linehash.py)
    suppressed: bool = False
    suppression_reason: str = ""
    fix: Fix | None = None
    related: tuple[RelatedLocation, ...] = ()
    role: str = ""  # the code role of its package (roles.py); "" for deployment files
    unless_served: bool = False  # not reported where a service runs the code (registry.Report)
    used_only_by_tests: str = ""  # why the function it is in runs only under tests (test_only.py)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: path, line, column, rule, message."""
        return (self.path, self.span.line, self.span.column, self.rule_id, self.message)

    def fix_applies(self, *, unsafe: bool) -> bool:
        """Does `--fix` (with `--unsafe-fixes` if `unsafe`) apply this finding's fix?

        Never for suppressed findings (baselined ones are not in the list at all).
        """
        return self.fix is not None and not self.suppressed and (self.fix.safe or unsafe)


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be read or parsed completely; the run goes on without it."""

    path: str
    message: str
    partial: bool = False  # True: parsed with syntax errors, findings kept where sound


@dataclass(frozen=True, slots=True)
class ToolError:
    """An exception inside a check: reported, and the run exits 2 after everything else."""

    rule_id: str
    path: str
    message: str


@dataclass(frozen=True, slots=True)
class PackageRole:
    """A package's role and why; `anchor` is the directory the role comes from.

    A pattern that names the anchor or a directory inside it names the package
    explicitly (`resilint examples/orders/...`): then the package is reported whatever
    its role.
    """

    directory: str
    role: str
    evidence: tuple[str, ...]
    anchor: str
    file_roles: tuple[tuple[str, str, str], ...] = ()  # (file name, role, evidence) for single files
    served: bool = (
        False  # a service of the run runs this code: a service's main, its body, a library it imports
    )

    def role_of(self, file_name: str) -> tuple[str, str]:
        """The role of one of its files and why (a test helper file in a library is test support)."""
        for name, role, evidence in self.file_roles:
            if name == file_name:
                return role, evidence
        return self.role, "; ".join(self.evidence)


@dataclass
class RunResult:
    """The outcome of a run: what reporters format (they need nothing else, and no file)."""

    findings: list[Finding]
    file_errors: list[FileError]
    tool_errors: list[ToolError]
    files: int
    packages: int
    baselined: int = 0  # findings left out because a baseline knows them (set by the CLI)
    analysed: int = 0  # directories analysed in this run (the others came from the cache)
    roles: dict[str, PackageRole] = field(default_factory=dict)  # package directory → its role
    left_out: dict[str, int] = field(default_factory=dict)  # role → findings not reported for it
    packages_left_out: dict[str, int] = field(default_factory=dict)  # role → packages not reported
    notes: list[str] = field(default_factory=list)  # what the summary says once (a rule's scope)


def fingerprint(rule_id: str, path: str, scope: str, text: str, occurrence: int) -> str:
    """A finding's identity, stable when unrelated edits shift lines (baselines, SARIF).

    `path` is the file's display path; the identity uses it relative to the repository's
    top level, so that it is the same whatever the working directory. `scope` is the
    enclosing function ("" at top level), `text` the flagged source (whitespace is
    normalised), `occurrence` counts identical texts before it in that scope, so a second
    identical finding in a function has an identity of its own.
    """
    normalized = _WHITESPACE.sub(" ", text).strip()
    material = "\0".join((rule_id, repository_path(path), scope, normalized, str(occurrence)))
    return hashlib.sha256(material.encode()).hexdigest()[:32]
