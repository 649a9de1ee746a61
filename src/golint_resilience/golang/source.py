"""SourceFile: a Go file's bytes, its (lazily parsed) tree, and byte → line/column mapping."""

from __future__ import annotations

import bisect
import os
import re
from functools import cached_property
from pathlib import Path

from golint_resilience.analysis.builtin_calls import with_plain_builtin_calls
from golint_resilience.golang.budget import Budget
from golint_resilience.golang.lineage import Lineage
from golint_resilience.golang.linehash import LineHashes
from golint_resilience.golang.parsing import Node, Tree, parse
from golint_resilience.model import Span

_BOM = b"\xef\xbb\xbf"
_GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)
_PACKAGE_CLAUSE = re.compile(rb"^package[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
_BUILD_LINE = re.compile(rb"^//go:build[ \t]+(.*)$", re.MULTILINE)
_PLUS_BUILD_LINE = re.compile(rb"^// \+build[ \t]+(.*)$", re.MULTILINE)
_IGNORE_TAG = re.compile(rb"(?<![!\w])ignore(?!\w)")
# Top-level `import` and `func` start a line, never the file (the package clause comes first):
# a literal "\n" prefix lets the regex engine find candidates with a fast substring search.
_IMPORT_BLOCK = re.compile(rb"\nimport[ \t]*\((.*?)\n\)", re.DOTALL)
_IMPORT_LINE = re.compile(rb'\nimport[ \t]+(?:[\w.]+[ \t]+)?"([^"\n]+)"')
_QUOTED = re.compile(rb'"([^"\n]+)"')
_FUNC_LINE = re.compile(rb"\nfunc[ \t]*(?:\(([^)]*)\)[ \t]*)?([A-Za-z_][A-Za-z0-9_]*)")
_TYPE_LINE = re.compile(rb"\ntype[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_TYPE_BLOCK = re.compile(rb"\ntype[ \t]*\((.*?)\n\)", re.DOTALL)
_TYPE_BLOCK_NAME = re.compile(rb"\n\t([A-Za-z_][A-Za-z0-9_]*)[ \t=\[]")  # one tab: not a field
_RECEIVER_TYPE = re.compile(rb"\*?[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:\[[^\]]*\])?[ \t]*$")


def is_generated(data: bytes) -> bool:
    """The go tool's convention: the marker line may stand anywhere in the file."""
    return b"DO NOT EDIT" in data and _GENERATED.search(data.replace(b"\r\n", b"\n")) is not None


def package_name(data: bytes) -> str | None:
    """The package clause's name, found without parsing (gofmt puts it at column 0)."""
    match = _PACKAGE_CLAUSE.search(data)
    return match.group(1).decode("ascii") if match else None


def is_build_ignored(data: bytes) -> bool:
    """True for files constrained out with the `ignore` tag (`//go:build ignore`)."""
    match = _PACKAGE_CLAUSE.search(data)
    header = data[: match.start()] if match else data
    for pattern in (_BUILD_LINE, _PLUS_BUILD_LINE):
        for line in pattern.finditer(header):
            if _IGNORE_TAG.search(line.group(1)):
                return True
    return False


def import_paths(data: bytes) -> set[str]:
    """Import paths of a gofmt-formatted file, read without parsing."""
    found = {m.group(1) for m in _IMPORT_LINE.finditer(data)}
    for block in _IMPORT_BLOCK.finditer(data):
        found.update(m.group(1) for m in _QUOTED.finditer(block.group(1)))
    return {path.decode("utf-8", "replace") for path in found}


def declared_functions(data: bytes) -> set[str]:
    """Keys ("F", "T.m") of the top-level functions of a gofmt-formatted file, unparsed."""
    keys = set()
    for match in _FUNC_LINE.finditer(data):
        receiver, name = match.group(1), match.group(2).decode()
        if receiver is None:
            keys.add(name)
            continue
        receiver_type = _RECEIVER_TYPE.search(receiver.strip())
        if receiver_type:
            keys.add(f"{receiver_type.group(1).decode()}.{name}")
    return keys


def declared_types(data: bytes) -> set[str]:
    """Names of the top-level types of a gofmt-formatted file, unparsed."""
    names = {m.group(1).decode() for m in _TYPE_LINE.finditer(data)}
    for block in _TYPE_BLOCK.finditer(data):
        names.update(m.group(1).decode() for m in _TYPE_BLOCK_NAME.finditer(b"\n" + block.group(1)))
    return names


class SourceFile:
    """One Go file. `path` is where it is on disk; `display` is how users see it."""

    def __init__(self, path: Path, display: str, data: bytes) -> None:
        self.path = path
        self.display = display
        self.data = data

    @cached_property
    def tree(self) -> Tree:
        """The parse tree; a leading BOM is blanked (Go ignores it) so offsets stay put.

        Where the grammar errs, calls of `new` and `make` it rejects (Go 1.26 `new(expr)`,
        a local function named `make`) are parsed as plain calls (see builtin_calls.py).
        """
        data = self.data
        if data.startswith(_BOM):
            data = b"   " + data[len(_BOM) :]
        tree = parse(data)
        if tree.root_node.has_error and (b"new" in data or b"make" in data):
            readable = with_plain_builtin_calls(data)
            if readable is not None:
                tree = parse(readable)
        return tree

    @property
    def root(self) -> Node:
        """The `source_file` node."""
        return self.tree.root_node

    @cached_property
    def lineage(self) -> Lineage:
        """The parents of the tree's nodes (tree-sitter's `Node.parent` costs the node's depth)."""
        return Lineage(self.root, self.budget)

    @cached_property
    def budget(self) -> Budget:
        """The steps a rule may spend on this file (see budget.py)."""
        return Budget(self.display, len(self.data))

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(m.end() for m in re.finditer(rb"\n", self.data))
        return starts

    def text(self, node: Node) -> str:
        """The source text of `node`, decoded leniently (bad bytes become U+FFFD)."""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def line_text(self, line: int) -> str:
        """Line number `line` (1-based) without its line ending."""
        starts = self._line_starts
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.data)
        return self.data[begin:end].decode("utf-8", "replace").rstrip("\r\n")

    def _position(self, offset: int) -> tuple[int, int, int]:
        """(line, character column, UTF-16 column), all 1-based, of a byte offset."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        prefix = self.data[self._line_starts[index] : offset].decode("utf-8", "replace")
        utf16 = len(prefix.encode("utf-16-le", "surrogatepass")) // 2
        return index + 1, len(prefix) + 1, utf16 + 1

    def span(self, node: Node) -> Span:
        """The span of a node; a multi-line node keeps its true end."""
        return self.region(node.start_byte, node.end_byte)

    def region(self, start: int, end: int) -> Span:
        """The span of the bytes `start:end`."""
        line, column, utf16_column = self._position(start)
        end_line, end_column, utf16_end = self._position(end)
        return Span(
            line,
            column,
            end_line,
            end_column,
            utf16_column,
            utf16_end,
            self._byte_column(start),
            self._byte_column(end),
        )

    def _byte_column(self, offset: int) -> int:
        """The 1-based column of a byte offset, counted in bytes."""
        return offset - self.line_start(offset) + 1

    @cached_property
    def line_hashes(self) -> LineHashes:
        """The SARIF line hashes of this file's lines (computed for the lines asked for)."""
        return LineHashes(self.data)

    def line_start(self, offset: int) -> int:
        """The offset of the first byte of the line holding `offset`."""
        return self._line_starts[bisect.bisect_right(self._line_starts, offset) - 1]

    @cached_property
    def newline(self) -> str:
        """The file's line ending: CRLF when its first line ends so, else LF."""
        first = self.data.find(b"\n")
        return "\r\n" if first > 0 and self.data[first - 1 : first] == b"\r" else "\n"


def display_path(path: Path) -> str:
    """How users see a path: relative to the working directory when below it, '/'-separated."""
    absolute = os.path.abspath(path)
    below = os.getcwd().rstrip(os.sep) + os.sep  # noqa: PTH109 (called per file: no Path objects)
    shown = absolute[len(below) :] if absolute.startswith(below) else absolute
    return shown.replace(os.sep, "/")
