"""Per-file import tables and the per-package index of top-level declarations.

Only the root's direct children are read here (imports, funcs, methods, types, vars,
consts), never a walk of whole trees; files are parsed on first need.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from golint_resilience.golang.gomod import ModuleInfo
from golint_resilience.golang.scan import declared_functions, declared_types

if TYPE_CHECKING:  # index reads nodes and files it is given; it never parses one itself
    from golint_resilience.golang.parsing import Node
    from golint_resilience.golang.source import SourceFile

_T = TypeVar("_T")
_MAJOR_VERSION = re.compile(r"^v[0-9]+$")
_DOT_VERSION = re.compile(r"\.v[0-9]+$")


def default_import_name(path: str) -> str:
    """The name an unaliased import binds: `gopkg.in/yaml.v3` → yaml, `…/klog/v2` → klog."""
    parts = path.split("/")
    last = parts[-1]
    if _MAJOR_VERSION.match(last) and len(parts) > 1:
        last = parts[-2]
    last = _DOT_VERSION.sub("", last)
    if last.startswith("go-"):
        last = last[3:]
    return last


def string_value(node: Node, file: SourceFile) -> str | None:
    """The value of an interpreted or raw string literal, None for anything else."""
    if node.type == "raw_string_literal":
        return file.text(node)[1:-1]
    if node.type == "interpreted_string_literal":
        # Escapes other than plain characters do not occur in import paths or route paths.
        return file.text(node)[1:-1].replace('\\"', '"')
    return None


@dataclass
class ImportTable:
    """One file's imports: Go imports are file-scoped, so each file has its own table."""

    by_name: dict[str, str] = field(default_factory=dict)  # local name → import path
    dot: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)  # import path → its import_spec

    @property
    def paths(self) -> set[str]:
        """Every path the file imports, however it is bound."""
        return set(self.by_name.values()) | set(self.dot) | set(self.blank)

    @classmethod
    def of(cls, file: SourceFile) -> ImportTable:
        """Read the import declarations of a file."""
        table = cls()
        for decl in file.root.named_children:
            if decl.type != "import_declaration":
                continue
            specs = [c for c in decl.named_children if c.type == "import_spec"]
            for spec_list in (c for c in decl.named_children if c.type == "import_spec_list"):
                specs.extend(c for c in spec_list.named_children if c.type == "import_spec")
            for spec in specs:
                path_node = spec.child_by_field_name("path")
                path = string_value(path_node, file) if path_node else None
                if not path:
                    continue
                table.nodes[path] = spec
                name_node = spec.child_by_field_name("name")
                if name_node is None:
                    table.by_name[default_import_name(path)] = path
                elif name_node.type == "dot":
                    table.dot.append(path)
                elif name_node.type == "blank_identifier":
                    table.blank.append(path)
                else:
                    table.by_name[file.text(name_node)] = path
        return table


def receiver_type_name(method: Node, file: SourceFile) -> str:
    """`(s *Server[T])` → "Server"; "" when the receiver cannot be read."""
    receiver = method.child_by_field_name("receiver")
    params = [c for c in receiver.named_children if c.type == "parameter_declaration"] if receiver else []
    type_node = params[0].child_by_field_name("type") if params else None
    while type_node is not None and type_node.type in {"pointer_type", "generic_type", "parenthesized_type"}:
        inner = type_node.child_by_field_name("type")
        if inner is None and type_node.named_children:
            inner = type_node.named_children[0]
        type_node = inner
    return file.text(type_node) if type_node is not None and type_node.type == "type_identifier" else ""


@dataclass(frozen=True)
class Decl:
    """A top-level declaration: its node and the file it is in."""

    node: Node
    file: SourceFile


@dataclass
class FileDecls:
    """The top-level declarations of one file, keyed by name."""

    functions: dict[str, list[Node]] = field(default_factory=dict)
    methods: dict[str, list[Node]] = field(default_factory=dict)
    types: dict[str, Node] = field(default_factory=dict)  # name → type_spec
    values: dict[str, Node] = field(default_factory=dict)  # var/const name → var_spec/const_spec

    @classmethod
    def of(cls, file: SourceFile) -> FileDecls:
        """Read a file's top-level declarations."""
        decls = cls()
        for node in file.root.named_children:
            kind = node.type
            if kind in {"function_declaration", "method_declaration"}:
                name_node = node.child_by_field_name("name")
                if name_node is None:
                    continue
                table = decls.functions if kind == "function_declaration" else decls.methods
                table.setdefault(file.text(name_node), []).append(node)
            elif kind == "type_declaration":
                for spec in node.named_children:
                    name_node = spec.child_by_field_name("name")
                    if spec.type in {"type_spec", "type_alias"} and name_node is not None:
                        decls.types[file.text(name_node)] = spec
            elif kind in {"var_declaration", "const_declaration"}:
                for spec in _value_specs(node):
                    for name_node in spec.children_by_field_name("name"):
                        decls.values[file.text(name_node)] = spec
        return decls


def _value_specs(decl: Node) -> list[Node]:
    specs = []
    for child in decl.named_children:
        if child.type in {"var_spec", "const_spec"}:
            specs.append(child)
        elif child.type == "var_spec_list":
            specs.extend(c for c in child.named_children if c.type == "var_spec")
    return specs


class FileContext:
    """A file together with its imports and the package it belongs to."""

    def __init__(self, file: SourceFile, package: Package) -> None:
        self.file = file
        self.package = package
        # (start of a top-level declaration, name) → may it bind the name? (resolve.py)
        self.may_declare: dict[tuple[int, str], bool] = {}
        # (a block's node id, name) → the first of its statements that binds the name, with
        # where that statement starts (resolve.py); None: none of them does
        self.first_bindings: dict[tuple[int, str], tuple[int, object] | None] = {}

    @cached_property
    def imports(self) -> ImportTable:
        """The file's import table."""
        return ImportTable.of(self.file)

    @cached_property
    def declared_functions(self) -> set[str]:
        """Keys ("F", "T.m") of the file's top-level functions, read without parsing.

        Lookups by name skip files that do not declare it, so that a file is parsed only
        when it holds the declaration (or matched a query).
        """
        return declared_functions(self.file.data)

    @cached_property
    def declared_methods(self) -> set[str]:
        """Names of the file's methods (the m of "T.m"), read without parsing."""
        return {key.rpartition(".")[2] for key in self.declared_functions if "." in key}

    @cached_property
    def declared_types(self) -> set[str]:
        """Names of the file's top-level types, read without parsing."""
        return declared_types(self.file.data)

    @cached_property
    def decls(self) -> FileDecls:
        """The file's top-level declarations."""
        return FileDecls.of(self.file)

    def text(self, node: Node) -> str:
        """Source text of a node of this file."""
        return self.file.text(node)


class Package:
    """The Go files of one directory that share a package clause, with lookups by name."""

    def __init__(
        self,
        directory: Path,
        name: str,
        files: list[SourceFile],
        module: ModuleInfo | None,
        left_out_sources: tuple[bytes, ...] = (),
    ) -> None:
        self.directory = directory
        self.name = name
        self.module = module
        # the directory's Go files the analysis leaves out (generated, build-ignored):
        # not analysed, but their code may still call the package's functions
        self.left_out_sources = left_out_sources
        self.contexts = [FileContext(f, self) for f in files]
        self._files_mentioning: dict[str, list[FileContext]] = {}
        self._remembered: dict[tuple[str, ...], object] = {}

    @property
    def is_main(self) -> bool:
        """True for a `package main`."""
        return self.name == "main"

    @property
    def import_path(self) -> str | None:
        """The package's import path, when its module is known."""
        return self.module.import_path_of(self.directory) if self.module is not None else None

    def mentioning(self, name: str) -> list[FileContext]:
        """The files whose text holds `name`: only they can declare or call it (none parsed)."""
        found = self._files_mentioning.get(name)
        if found is None:
            needle = name.encode()
            found = self._files_mentioning[name] = [c for c in self.contexts if needle in c.file.data]
        return found

    def remembered(self, key: tuple[str, ...], compute: Callable[[], _T]) -> _T:
        """`compute()` once per package for `key`: for answers that search every file of the package."""
        if key not in self._remembered:
            self._remembered[key] = compute()
        return cast(_T, self._remembered[key])

    def context_of(self, file: SourceFile) -> FileContext:
        """The package's FileContext of one of its files (imports and decls already read)."""
        return next((c for c in self.contexts if c.file is file), None) or FileContext(file, self)

    def functions(self, name: str) -> list[Decl]:
        """Top-level functions called `name` (several with build tags)."""
        return [
            Decl(n, c.file)
            for c in self.mentioning(name)
            if name in c.declared_functions
            for n in c.decls.functions.get(name, [])
        ]

    def methods(self, name: str) -> list[Decl]:
        """Methods called `name`, on whatever receiver type."""
        return [
            Decl(n, c.file)
            for c in self.mentioning(name)
            if name in c.declared_methods
            for n in c.decls.methods.get(name, [])
        ]

    def type_spec(self, name: str) -> Decl | None:
        """The type declaration called `name`."""
        for context in self.mentioning(name):
            if name not in context.declared_types:
                continue
            spec = context.decls.types.get(name)
            if spec is not None:
                return Decl(spec, context.file)
        return None

    def value_spec(self, name: str) -> Decl | None:
        """The package-level var or const spec that declares `name`."""
        for context in self.mentioning(name):
            spec = context.decls.values.get(name)
            if spec is not None:
                return Decl(spec, context.file)
        return None

    def struct_fields(self, field_name: str) -> list[tuple[Node, FileContext]]:
        """Every struct field called `field_name` in the package: (its type node, file)."""
        found = []
        for context in self.mentioning(field_name):
            for spec in context.decls.types.values():
                struct = spec.child_by_field_name("type")
                if struct is not None and struct.type == "struct_type":
                    found.extend(fields_named(struct, field_name, context))
        return found


def fields_named(struct: Node, field_name: str, context: FileContext) -> list[tuple[Node, FileContext]]:
    """The fields called `field_name` of a struct_type node: (type node, file)."""
    found = []
    for field_list in struct.named_children:
        for declaration in field_list.named_children:
            names = [context.text(n) for n in declaration.children_by_field_name("name")]
            type_node = declaration.child_by_field_name("type")
            if field_name in names and type_node is not None:
                found.append((type_node, context))
    return found
