"""Plain, picklable value types shared by every layer: severities, spans, fixes, findings, errors."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass

from golint_resilience.repository import repository_path

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

    The UTF-16 columns are kept too, because SARIF consumers (GitHub) count in UTF-16
    code units while terminals and JSON users count characters.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    utf16_column: int
    utf16_end_column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the bytes `start:end` of a file with `text` (an insertion when they are equal).

    `span` is the same region in lines and columns (for SARIF and JSON); `byte_columns`
    are its 1-based start and end columns counted in UTF-8 bytes (reviewdog's unit).
    """

    start: int
    end: int
    text: str
    span: Span
    byte_columns: tuple[int, int]


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
    suppressed: bool = False
    suppression_reason: str = ""
    fix: Fix | None = None
    related: tuple[RelatedLocation, ...] = ()
    role: str = ""  # the code role of its package (roles.py); "" for deployment files

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: path, line, column, rule, message."""
        return (self.path, self.span.line, self.span.column, self.rule_id, self.message)


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
