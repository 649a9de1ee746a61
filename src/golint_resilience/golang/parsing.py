"""The only module that imports tree-sitter: the Go language, parsers and queries."""

from __future__ import annotations

import functools

import tree_sitter
import tree_sitter_go

from golint_resilience.golang.budget import Budget
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


# The matches a query may have in progress at once. tree-sitter keeps one for every open
# ancestor that may still match, so that a chain of n method calls costs n² without a
# cap; every fragment at once needs fewer than 256 anywhere in the Go standard library.
MATCH_LIMIT = 512

Matches = list[tuple[int, dict[str, list[Node]]]]


def matches(query: Query, node: Node) -> tuple[Matches, bool]:
    """All matches of `query` under `node`, as (pattern index, captures by name).

    The flag is False when the search dropped matches to stay within MATCH_LIMIT.
    """
    cursor = tree_sitter.QueryCursor(query, match_limit=MATCH_LIMIT)
    found = cursor.matches(node)
    return found, not cursor.did_exceed_match_limit


@functools.cache
def _builtin_query(source: str) -> Query:
    return compile_query(source, "built-in query")


_CALL_EXPRESSIONS = "(call_expression) @call"


def calls_within(node: Node, budget: Budget) -> list[Node]:
    """Every call expression under `node` (itself included), in document order."""
    return [captures["call"][0] for captures in captures_within(node, _CALL_EXPRESSIONS, budget)]


def captures_within(node: Node, source: str, budget: Budget) -> list[dict[str, list[Node]]]:
    """Captures of every match of a (cached) query under `node`: a search at any depth in C.

    A search that would have to drop matches spends the whole `budget` of the node's file.
    """
    found, complete = matches(_builtin_query(source), node)
    if not complete:
        budget.exhaust()
    return [captures for _, captures in found]
