"""Reading a package's files for the facts its role rests on (RoleFacts, rolefacts.py)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from golint_resilience.analysis.resolve import imported_package, type_of
from golint_resilience.analysis.rolefacts import RoleFacts
from golint_resilience.golang.gomod import ModuleInfo
from golint_resilience.golang.index import FileContext, Package, default_import_name
from golint_resilience.golang.parsing import Node, calls_within, captures_within
from golint_resilience.golang.repository import checkout_root
from golint_resilience.golang.scan import import_names, import_paths

_MOCK_FILE = re.compile(r"^(?:mocks?|fakes?)(?:_.*)?\.go$|_(?:mocks?|fakes?)\.go$")
_TOOLS_TAG = re.compile(rb"^//go:build\s+tools\s*$", re.MULTILINE)
_C_EXPORT = re.compile(rb"^//export \w+", re.MULTILINE)
_GENERATE_RUN = re.compile(rb"^//go:generate\s+go\s+run\s+(?:-\S+\s+)*(\S+)", re.MULTILINE)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def role_facts(package: Package) -> RoleFacts:
    """Read a package's files for the facts its role rests on (test files do not count)."""
    directory, module = package.directory, package.module
    files = ((context.file.path.name, context.file.data) for context in package.contexts)
    tools_file = c_exports = ""
    targets: list[tuple[str, str]] = []
    testing: list[tuple[str, str]] = []
    count = 0
    for base, data in files:
        if base.endswith("_test.go"):
            continue
        count += 1
        if not tools_file and _TOOLS_TAG.search(data):
            tools_file = base
        if not c_exports and _C_EXPORT.search(data):
            c_exports = base
        for match in _GENERATE_RUN.finditer(data):
            target = _generate_target(directory, match.group(1).decode("utf-8", "replace"), module)
            if target is not None:
                targets.append((target, f"{base}:{_line_of(data, match.start())}"))
        if _MOCK_FILE.search(base):
            testing.append((base, f"file {base} is named like a mock or fake"))
        elif b'"testing"' in data and "testing" in import_paths(data):
            testing.append((base, f'{base} imports "testing" outside a _test.go file'))
    delegate, call = main_delegate(package)
    return RoleFacts(
        code_imports=code_imports(package),
        named_imports=imported_names(package),
        is_main=package.is_main,
        root=_root(directory),
        tools_file=tools_file,
        generate_targets=tuple(sorted(set(targets))),
        testing_files=tuple(sorted(testing)),
        files=count,
        c_exports=c_exports,
        delegate=delegate,
        delegate_call=call,
    )


_MAIN_DECLARATION = re.compile(rb"^func main\(\)", re.MULTILINE)
_DELEGATING_STATEMENTS = 3  # `if err := app.Run(); err != nil { … }` and the like


def code_imports(package: Package) -> tuple[str, ...]:
    """The module-local packages whose code a `main` runs, by directory (absolute).

    Those whose functions or variables it names as values (`app.Run()`, `server.New(cfg)`,
    `mux.HandleFunc("/", app.Index)`, `[]*Command{doc.CmdDoc}`), whose values' methods it
    calls (`var srv server.Server; srv.Start()`), or that it imports for side effects
    (`import _ "…/plugins"`, a dot import). A package it imports only for its types and
    constants (a client reading a server's result structs) runs none of its servers.
    """
    module = package.module
    if not package.is_main or module is None:
        return ()
    found: set[str] = set()
    for context in package.contexts:
        local = {path: d for path in import_paths(context.file.data) if (d := module.facts_directory(path))}
        if context.file.path.name.endswith("_test.go") or not local:
            continue  # a file that imports no module-local package is not even parsed for this
        used = {*context.imports.blank, *context.imports.dot}
        local_names = {name for name, path in context.imports.by_name.items() if path in local}
        for captures in captures_within(context.file.root, _PACKAGE_VALUES, context.file.budget):
            operand = captures["package"][0]
            if context.text(operand) in local_names:  # resolving costs a scope walk: only these can be one
                used.add(imported_package(operand, context) or "")
        if not local.keys() <= used:  # only then can a method of a value be the one use left
            for call in calls_within(context.file.root, context.file.budget):
                used.add(_method_owner(call, context))
                if local.keys() <= used:
                    break
        found.update(local[path] for path in used & local.keys())
    return tuple(sorted(found))


def imported_names(package: Package) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per module-local import (its directory), the names the package selects from it.

    `http_api.NewClient(…)` gives NewClient. Read from the bytes of the non-test files,
    comments and strings included: a name too many only keeps more of the imported
    package's facts. Left out: an import bound by a dot or blank import, or one whose
    selections are not found (a package named unlike its path): all of it may run.
    """
    module = package.module
    if module is None:
        return ()
    names: dict[str, set[bytes]] = {}
    wholly: set[str] = set()
    for context in package.contexts:
        if context.file.path.name.endswith("_test.go"):
            continue
        data = context.file.data
        for path, alias in import_names(data).items():
            directory = module.facts_directory(path)
            if directory is None:
                continue
            if alias in {".", "_"}:
                wholly.add(directory)
                continue
            local_name = (alias or default_import_name(path)).encode()
            names.setdefault(directory, set()).update(_selected(data, local_name))
    kept = sorted((d, found) for d, found in names.items() if found and d not in wholly)
    return tuple((directory, tuple(sorted(n.decode() for n in found))) for directory, found in kept)


def _selected(data: bytes, local: bytes) -> Iterator[bytes]:
    """The names that `local.Name` selects in a file's bytes (found with bytes.find: fast)."""
    prefix = local + b"."
    start = data.find(prefix)
    while start >= 0:
        before = data[start - 1 : start]
        name = _IDENTIFIER.match(data, start + len(prefix))
        if name is not None and not (before.isalnum() or before in {b"_", b"."}):
            yield name.group()
        start = data.find(prefix, start + len(prefix))


_IDENTIFIER = re.compile(rb"[A-Za-z_]\w*")

# `pkg.F`, `pkg.Var` in a value position; types are `qualified_type` nodes, never matched.
_PACKAGE_VALUES = "(selector_expression operand: (identifier) @package)"


def _method_owner(call: Node, context: FileContext) -> str:
    """The import path of the package whose value's method `call` runs (`srv.Start()`), or ""."""
    function = call.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    if function is None or function.type != "selector_expression" or operand is None:
        return ""
    return type_of(operand, context).package


def main_delegate(package: Package) -> tuple[str, str]:
    """The module-local package a main's `main()` hands the whole program to, and the call.

    `func main() { etcdmain.Main(os.Args) }`, `if err := cmd.Execute(); err != nil { os.Exit(1) }`:
    a main() of a few statements that calls into exactly one module-local package is a
    front door, and that package is the program's body. ("", "") when there is none.
    """
    if not package.is_main or package.module is None:
        return "", ""
    for context in package.contexts:
        if context.file.path.name.endswith("_test.go") or not _MAIN_DECLARATION.search(context.file.data):
            continue
        for declaration in context.file.root.named_children:
            name = declaration.child_by_field_name("name")
            if (
                declaration.type == "function_declaration"
                and name is not None
                and context.text(name) == "main"
            ):
                return _delegate_of(declaration, context, package.module)
    return "", ""


def _delegate_of(declaration: Node, context: FileContext, module: ModuleInfo) -> tuple[str, str]:
    body = declaration.child_by_field_name("body")
    lists = [c for c in body.named_children if c.type == "statement_list"] if body is not None else []
    statements = lists[0].named_children if lists else []
    if not statements or len(statements) > _DELEGATING_STATEMENTS:
        return "", ""
    called: dict[str, str] = {}  # directory → text of the first call into it
    calls = (call for statement in statements for call in calls_within(statement, context.file.budget))
    for call in sorted(calls, key=lambda c: c.start_byte):
        function = call.child_by_field_name("function")
        operand = function.child_by_field_name("operand") if function is not None else None
        path = imported_package(operand, context) if operand is not None else None
        local = module.facts_directory(path) if path is not None else None
        if local is not None:
            called.setdefault(local, context.text(call))
    if len(called) != 1:
        return "", ""
    [(directory, call_text)] = called.items()
    return directory, call_text


def _root(directory: Path) -> str:
    """Where the directory names that give roles start (see RoleFacts)."""
    root = checkout_root(directory)
    return str(root) if root is not None else ""


def _generate_target(directory: Path, argument: str, module: ModuleInfo | None) -> str | None:
    """The directory a `//go:generate go run ARG` runs, when it is code of this checkout."""
    argument = argument.strip("\"'").removesuffix("/...")
    if argument.startswith(("./", "../")) or argument in {".", ".."}:
        target: Path | None = directory / argument
    else:
        target = module.directory_of(argument) if module is not None else None
    if (
        target is None or target.suffix == ".go"
    ):  # a single file: a program of its own, not its directory's package
        return None
    target = Path(os.path.normpath(target))
    return str(target) if target != directory else None
