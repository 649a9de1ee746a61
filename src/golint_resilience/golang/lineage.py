"""Parents of the nodes of one parse tree, at a total cost linear in the tree's size.

tree-sitter keeps no parent pointers: `Node.parent` searches down from the root, so
climbing from a node at depth d costs d² and asking that of many deep nodes costs
(size × depth). A `Lineage` remembers every parent it learns. A node it does not know is
reached by one descent from the root, which teaches it the parent of every node on the
way; once such descents have cost as much as visiting the whole tree, it visits the
whole tree once with a cursor (whose stack holds every parent), and from then on every
question is a dictionary lookup. `nearest` remembers its answers too, so that asking for
the enclosing function of every node of a deeply nested tree costs its size, not
size × depth.

Every step is charged to the file's budget (see budget.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.golang.budget import Budget
from golint_resilience.golang.parsing import Node, path_between


class Lineage:
    """The parents of the nodes of the tree under `root`, learned as they are asked for."""

    def __init__(self, root: Node, budget: Budget) -> None:
        self._root = root
        self._budget = budget
        self._parents: dict[int, Node | None] = {root.id: None}
        self._nearest: dict[frozenset[str], dict[int, Node | None]] = {}
        # Descent steps left before visiting every node costs less than descending more.
        self._allowance = root.descendant_count
        self._complete = False

    def parent(self, node: Node) -> Node | None:
        """The parent of `node` (None for the root)."""
        self._budget.charge(1)
        known = self._parents.get(node.id, node)  # `node` for "unknown": no node is its own parent
        if known is node:
            self._learn(node)
            known = self._parents.get(node.id, node)
            if known is node:  # not a node of this tree: ask tree-sitter
                return node.parent
        return known

    def ancestors(self, node: Node) -> Iterator[Node]:
        """The parents of `node`, nearest first."""
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def nearest(self, node: Node, types: frozenset[str]) -> Node | None:
        """The nearest ancestor of `node` whose type is one of `types`, if any."""
        found = self._nearest.setdefault(types, {})
        climbed = [node]
        parent = self.parent(node)
        while parent is not None and parent.type not in types:
            if parent.id in found:
                parent = found[parent.id]
                break
            climbed.append(parent)
            parent = self.parent(parent)
        for passed in climbed:  # none of them is of `types`: their answer is the same
            found[passed.id] = parent
        return parent

    def _learn(self, node: Node) -> None:
        if self._complete:
            return
        if self._allowance <= 0:
            self._visit_all()
            return
        path = path_between(self._root, node)
        if path is None:
            return
        self._allowance -= len(path)
        for parent, child in zip(path, [*path[1:], node], strict=True):
            self._parents[child.id] = parent

    def _visit_all(self) -> None:
        """Record the parent of every node, in one walk with a cursor (no recursion)."""
        self._complete = True
        cursor = self._root.walk()
        stack: list[Node] = []  # the cursor's ancestors, outermost first
        while True:
            node = cursor.node
            if node is None:  # pragma: no cover - a cursor always stands on a node
                return
            self._parents[node.id] = stack[-1] if stack else None
            if cursor.goto_first_child():
                stack.append(node)
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return
                stack.pop()
