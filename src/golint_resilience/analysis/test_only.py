"""Functions that only tests can run: production packages' code that no production code calls.

An unexported function is visible to its own package only. When no non-test file of the
package names it (besides its own declaration), only the package's tests can call it,
or nobody: `retryOnError` in a discovery package that only `kubernetes_test.go` calls.
A finding there is test support's, like one in a file that imports `testing`.

Names count wherever code can use them: in the package's files that the run analyses,
in its generated files (left out of the analysis, not of the program), and in
`//go:linkname` and cgo `//export` directives, which hand a function to other packages or
to C. Comments and strings are no use. Only findings are looked up, so the search runs
for a few functions of a run, not for every function.
"""

from __future__ import annotations

import re

from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node

_ENTRY_POINTS = frozenset({"main", "init", "_"})
_DIRECTIVE = re.compile(rb"^//(?:go:linkname|export)\s", re.MULTILINE)


def used_only_by_tests(declaration: Node | None, context: FileContext) -> str:
    """Why the top-level function `declaration` can run only under tests, else ""."""
    if declaration is None or declaration.type != "function_declaration" or _is_test_file(context):
        return ""
    name_node = declaration.child_by_field_name("name")
    if name_node is None or declaration.child_by_field_name("body") is None:
        return ""
    name = context.text(name_node)
    if name in _ENTRY_POINTS or not (name[0].islower() or name[0] == "_"):
        return ""
    word = re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")
    package = context.package
    for other in package.mentioning(name):
        declared_at = name_node.start_byte if other is context else -1
        if not _is_test_file(other) and any(
            _is_use(m, declared_at, other) for m in word.finditer(other.file.data)
        ):
            return ""
    if any(word.search(data) for data in package.left_out_sources):
        return ""
    return f"function {name} is named by no non-test file of its package: only its tests can call it"


def _is_use(match: re.Match[bytes], declared_at: int, context: FileContext) -> bool:
    """Is this occurrence of the name a use (not its declaration, a comment, a string)?"""
    data = context.file.data
    if _DIRECTIVE.match(data, data.rfind(b"\n", 0, match.start()) + 1):
        return True
    node = context.file.root.descendant_for_byte_range(match.start(), match.end())
    return node is not None and node.type == "identifier" and node.start_byte != declared_at


def _is_test_file(context: FileContext) -> bool:
    return context.file.path.name.endswith("_test.go")
