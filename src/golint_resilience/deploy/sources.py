"""Finding deployment files under the analysed trees, and places in them."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path

from golint_resilience.golang.discover import RECURSIVE_SUFFIX, is_recursive
from golint_resilience.model import Place, Span

_SKIPPED_DIRECTORIES = frozenset({"vendor", "node_modules", "testdata"})
YAML_SUFFIXES = (".yaml", ".yml")
DOCKERFILE_NAMES = frozenset({"Dockerfile", "Containerfile"})


class Kind(enum.Enum):
    """What a deployment file is."""

    KUBERNETES = "kubernetes"
    DOCKERFILE = "dockerfile"
    SYSTEMD = "systemd"


@dataclass(frozen=True, slots=True)
class DeploymentFile:
    """A deployment file as read: where it is, how users see it, its text."""

    path: Path
    display: str
    kind: Kind
    text: str

    def line(self, number: int) -> str:
        """The text of a 1-based line ("" past the end)."""
        lines = self.text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def place(self, line: int, column: int = 1, length: int | None = None) -> Place:
        """A place on one line; without `length`, to the end of the line."""
        text = self.line(line)
        end = column + length if length is not None else max(len(text.rstrip()) + 1, column + 1)
        return Place(self.display, Span.on_line(line, text, column, end))


def kind_of(name: str) -> Kind | None:
    """The kind of a deployment file by its name (YAML files are confirmed by their content)."""
    if name in DOCKERFILE_NAMES or name.endswith((".Dockerfile", ".dockerfile")):
        return Kind.DOCKERFILE
    if name.startswith("Dockerfile."):  # Dockerfile.prod, Dockerfile.alpine
        return Kind.DOCKERFILE
    if name.endswith(".service"):
        return Kind.SYSTEMD
    if name.endswith(YAML_SUFFIXES):
        return Kind.KUBERNETES
    return None


def roots(patterns: list[str]) -> list[Path]:
    """The trees the patterns analyse (`./...`, `dir/...`); a directory or file names none."""
    found = []
    for pattern in patterns:
        if is_recursive(pattern):
            found.append(Path(pattern[: -len(RECURSIVE_SUFFIX)] or "."))
    return found


def find(tree_roots: list[Path]) -> list[tuple[Path, Kind]]:
    """Candidate deployment files under the roots with their kinds, sorted, each once.

    Directories starting with `.` or `_`, `vendor/`, `node_modules/` and `testdata/`
    are skipped (fixtures there are not what runs); links are not followed.
    """
    found: dict[Path, Kind] = {}
    for root in tree_roots:
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = sorted(
                d for d in subdirectories if d not in _SKIPPED_DIRECTORIES and not d.startswith((".", "_"))
            )
            for name in files:
                kind = kind_of(name)
                if kind is not None:
                    found.setdefault(Path(os.path.normpath(Path(directory) / name)), kind)
    return sorted(found.items())
