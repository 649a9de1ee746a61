"""The only module that imports tree-sitter: the Go language, parsers and queries."""

from __future__ import annotations

import functools

import tree_sitter
import tree_sitter_go

from golint_resilience.model import ResilintError

Node = tree_sitter.Node
Tree = tree_sitter.Tree
Query = tree_sitter.Query

GO = tree_sitter.Language(tree_sitter_go.language())


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(GO)


def parse(source: bytes) -> Tree:
    """Parse Go source; tree-sitter always returns a tree, with ERROR nodes where needed."""
    return _parser().parse(source)


def path_between(root: Node, node: Node) -> list[Node] | None:
    """The nodes from `root` down to `node`'s parent, outermost first; None if `node` is not below `root`.

    One descent by byte range (in C), so its cost is the depth of `node`.
    """
    path: list[Node] = []
    current: Node | None = root
    while current is not None and current != node:
        path.append(current)
        current = current.child_with_descendant(node)
    return path if current is not None else None


def compile_query(source: str, origin: str) -> Query:
    """Compile a query, turning tree-sitter's error into one naming where the query came from."""
    try:
        query: Query = tree_sitter.Query(GO, source)
    except tree_sitter.QueryError as exc:
        msg = f"{origin}: invalid tree-sitter query: {exc}"
        raise ResilintError(msg) from exc
    return query


def matches(query: Query, node: Node) -> list[tuple[int, dict[str, list[Node]]]]:
    """All matches of `query` under `node`, as (pattern index, captures by name)."""
    return tree_sitter.QueryCursor(query).matches(node)


@functools.cache
def _builtin_query(source: str) -> Query:
    return compile_query(source, "built-in query")


def captures_within(node: Node, source: str) -> list[dict[str, list[Node]]]:
    """Captures of every match of a (cached) query under `node`: a search at any depth in C."""
    return [captures for _, captures in matches(_builtin_query(source), node)]
