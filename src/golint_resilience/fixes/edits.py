r"""Building blocks of the fixes checks attach to their reports: edits of one file's bytes.

Edits are made where the check found the problem, from the nodes it looked at, and are
plain data (model.Edit). A fix that cannot be made gofmt-clean and compiling is not
offered: these helpers return None rather than a guess. Text given with "\n" line breaks
is written with the file's own line ending, so a CRLF file stays CRLF.
"""

from __future__ import annotations

import re

from golint_resilience.analysis.resolve import ancestors
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.model import Edit, Fix

# The timeouts the fixes write ({time}: the file's name for package time); documented in
# the rules' `autofix` sections.
READ_HEADER_TIMEOUT = "10 * {time}.Second"
CLIENT_TIMEOUT = "30 * {time}.Second"
SHUTDOWN_TIMEOUT = "10*{time}.Second"  # gofmt spaces a product less inside call arguments


def edit(context: FileContext, start: int, end: int, text: str) -> Edit:
    """Replace the bytes `start:end` of the file with `text`."""
    file = context.file
    return Edit(start, end, text.replace("\n", file.newline), file.region(start, end))


def replace(context: FileContext, node: Node, text: str) -> Edit:
    """Replace a node's text."""
    return edit(context, node.start_byte, node.end_byte, text)


def insert(context: FileContext, offset: int, text: str) -> Edit:
    """Insert text at a byte offset."""
    return edit(context, offset, offset, text)


def make_fix(description: str, edits: tuple[Edit, ...], *, safe: bool) -> Fix:
    """A fix of the edits, in file order."""
    return Fix(description, tuple(sorted(edits, key=lambda e: (e.start, e.end))), safe)


def indentation(context: FileContext, offset: int) -> str:
    """The leading whitespace of the line holding `offset`."""
    data = context.file.data
    start = context.file.line_start(offset)
    end = start
    while end < len(data) and data[end : end + 1] in {b" ", b"\t"}:
        end += 1
    return data[start:end].decode()


def line_end(context: FileContext, offset: int) -> int:
    """The offset of the line ending after `offset` (the end of the file if none)."""
    data = context.file.data
    end = data.find(b"\n", offset)
    if end < 0:
        return len(data)
    return end - 1 if data[end - 1 : end] == b"\r" else end


def add_keyed_element(literal: Node, key: str, value: str, context: FileContext) -> Edit | None:
    """Add `key: value` to a keyed composite literal, gofmt-clean.

    On a multi-line literal the new element gets a line of its own after a blank line:
    gofmt aligns the values of adjacent key-value lines, and the blank line keeps the
    existing lines as they are. Literals with positional elements or only comments are
    left alone.
    """
    body = literal.child_by_field_name("body")
    if body is None:
        return None
    elements = [c for c in body.named_children if c.type != "comment"]
    if any(e.type != "keyed_element" for e in elements):
        return None
    if not elements:
        return None if body.named_children else replace(context, body, f"{{{key}: {value}}}")
    last = elements[-1]
    closing_row = body.end_point[0]
    if closing_row == last.end_point[0]:
        return insert(context, last.end_byte, f", {key}: {value}")
    if last.start_point[0] == body.start_point[0]:
        return None  # `T{A: a,⏎}`: not how gofmt'd code is usually laid out; leave it
    indent = indentation(context, last.start_byte)
    return insert(context, line_end(context, last.end_byte), f"\n\n{indent}{key}: {value},")


def declared_in_package(name: str, context: FileContext) -> bool:
    """Is `name` a package-level function, type, var or const of the file's package?"""
    package = context.package
    declared = package.value_spec(name) or package.type_spec(name)
    return bool(package.functions(name)) or declared is not None


def unused_names(
    candidates: tuple[tuple[str, ...], ...], at: Node, context: FileContext
) -> tuple[str, ...] | None:
    """The first tuple of names that a fix at `at` can declare with `:=`, else None.

    Names that occur nowhere in the outermost function around `at` (so they neither
    shadow nor get redeclared later in the block), nor at package level, nor as imports.
    """
    function = next(
        (a for a in reversed(list(ancestors(at, context))) if a.type.endswith("declaration")), None
    )
    if function is None:
        return None
    text = context.text(function)
    for names in candidates:
        if not any(
            re.search(rf"\b{re.escape(name)}\b", text)
            or name in context.imports.by_name
            or declared_in_package(name, context)
            for name in names
        ):
            return names
    return None
