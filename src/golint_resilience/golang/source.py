"""SourceFile: a Go file's bytes, its (lazily parsed) tree, and byte → line/column mapping."""

from __future__ import annotations

import bisect
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
