"""What a gofmt-formatted Go file says, read from its bytes without parsing.

The generated-code marker, the package clause, `//go:build ignore`, the import paths and
the names of top-level declarations: enough to choose the files to parse, and for a run
the cache answers to need no parser at all.
"""

from __future__ import annotations

import re

_GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)
_PACKAGE_CLAUSE = re.compile(rb"^package[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
_BUILD_LINE = re.compile(rb"^//go:build[ \t]+(.*)$", re.MULTILINE)
_PLUS_BUILD_LINE = re.compile(rb"^// \+build[ \t]+(.*)$", re.MULTILINE)
_IGNORE_TAG = re.compile(rb"(?<![!\w])ignore(?!\w)")
# Top-level `import` and `func` start a line, never the file (the package clause comes first):
# a literal "\n" prefix lets the regex engine find candidates with a fast substring search.
_IMPORT_BLOCK = re.compile(rb"\nimport[ \t]*\((.*?)\n\)", re.DOTALL)
_IMPORT_LINE = re.compile(rb'\nimport[ \t]+(?:[\w.]+[ \t]+)?"([^"\n]+)"')
_IMPORT_SPEC = re.compile(rb'(?:^|\nimport)[ \t]*(?:([\w.]+)[ \t]+)?"([^"\n]+)"', re.MULTILINE)
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


def import_names(data: bytes) -> dict[str, str]:
    """Each import path with the name it is bound to as written: an alias, `.`, `_`, or "" (none)."""
    found: dict[str, str] = {}
    sections = [m.group(0) for m in _IMPORT_LINE.finditer(data)]
    sections.extend(m.group(1) for m in _IMPORT_BLOCK.finditer(data))
    for section in sections:
        for spec in _IMPORT_SPEC.finditer(section):
            alias, path = spec.group(1) or b"", spec.group(2)
            found[path.decode("utf-8", "replace")] = alias.decode("utf-8", "replace")
    return found


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
