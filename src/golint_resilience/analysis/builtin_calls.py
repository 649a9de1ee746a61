"""Calls of `new` and `make` that tree-sitter-go 0.25 cannot parse, read as plain calls.

Its grammar wants a type as the first argument of both: Go 1.26 `new(expr)` (`new(42)`)
and a call of a local function named `make` (`make(n - 1)`) become syntax errors. Such
a call is parsed as an ordinary call instead: in a copy of the source, the name of each
call whose arguments do not parse in the builtin's form is changed to an identifier of
the same length (`neW`, `makE`), so every offset stays put. Node texts come from the
file's own bytes, so nothing shows the changed name; calls that parse keep their tree.
"""

from __future__ import annotations

import re

from golint_resilience.golang.parsing import parse

# `new(` or `make(` not preceded by an identifier character or a dot (`x.new(` is a method).
_BUILTIN_CALL = re.compile(rb"(?<![\w.])(new|make)[ \t]*\(")
_OPENING = {ord("("): ord(")"), ord("["): ord("]"), ord("{"): ord("}")}
_CLOSING = frozenset(_OPENING.values())
_QUOTES = frozenset(b"\"'`")


def with_plain_builtin_calls(data: bytes) -> bytes | None:
    """The source with each `new(…)`/`make(…)` the grammar rejects renamed; None when none is."""
    renamed = bytearray(data)
    changed = False
    for call in _BUILTIN_CALL.finditer(data):
        end = _closing_parenthesis(data, call.end() - 1)
        if end is None:
            continue
        name = call.group(1)
        if not _parses(name, data[call.end() : end]):
            renamed[call.end(1) - 1] = ord(name[-1:].upper())  # new → neW, make → makE
            changed = True
    return bytes(renamed) if changed else None


def _parses(name: bytes, arguments: bytes) -> bool:
    """Does the grammar accept `name(arguments)` (a type first, as the builtin takes)?"""
    return not parse(b"package p\n\nvar _ = " + name + b"(" + arguments + b")\n").root_node.has_error


def _closing_parenthesis(data: bytes, opening: int) -> int | None:
    """The offset of the `)` that closes the `(` at `opening`, past strings and comments."""
    expected = [ord(")")]
    index = opening + 1
    while index < len(data):
        byte = data[index]
        if byte in _QUOTES:
            index = _after_literal(data, index)
            continue
        if data.startswith(b"//", index) or data.startswith(b"/*", index):
            index = _after_comment(data, index)
            continue
        if byte in _OPENING:
            expected.append(_OPENING[byte])
        elif byte in _CLOSING:
            if byte != expected.pop():
                return None  # unbalanced: leave the call as it is
            if not expected:
                return index
        index += 1
    return None


def _after_literal(data: bytes, start: int) -> int:
    quote = data[start]
    index = start + 1
    while index < len(data) and data[index] != quote:
        if quote != ord("`") and data[index] == ord("\\"):
            index += 1
        elif data[index] == ord("\n") and quote != ord("`"):
            break  # an unterminated literal ends with its line
        index += 1
    return index + 1


def _after_comment(data: bytes, start: int) -> int:
    if data.startswith(b"//", start):
        end = data.find(b"\n", start)
    else:
        end = data.find(b"*/", start + 2)
        end = end + 1 if end >= 0 else end
    return len(data) if end < 0 else end + 1
