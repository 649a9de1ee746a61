"""Code roles: what a package is for (a service, a command-line tool, a code generator…).

Most findings a default run would make on a real repository sit in code that never runs
in production: generators, demo apps, test harnesses. Each package gets one role, with
the evidence for it, so that a run can leave out what is not production code by default
(as it leaves out `_test.go` files) and a user can see why.

Phase 1 (in the worker, cached with the package's facts): `RoleFacts`, what the package's
own files say (a `main`, a `//go:build tools` file, `//go:generate go run ./x` targets,
files that import `testing`). Phase 2 (in the parent, once every package's facts are
known, never cached): `assign_roles` adds what needs other packages (does a `main`'s
import closure start a server? which service reaches a library?), the conventions of
directory names, and the user's `[roles]` overrides.

Roles, in the order they are decided:
- override: a `[roles]` glob of the configuration matches the package's directory;
- `example`, `test-support`, `devtool` by directory name, counted from the top of the
  git work tree (else the outermost module root around it: a nested module under
  `examples/` of an unpacked archive is an example); the outermost such directory wins;
- `devtool`: a `//go:build tools` file, the target of a `//go:generate go run`, a `main`
  in a directory named like a generator (`*gen`, `gen-*`, `protoc-gen-*`, `*generator`);
- `test-support`: every non-test file imports `testing` or is named like a mock/fake, or
  the package clause names a mock, fake or test-utility package;
- `library`: a `main` with cgo `//export` functions (built as a C library or a plugin);
- `service`: a `main` whose package or the module-local packages it imports directly
  start a long-lived server or wait for signals (it runs until signalled; a handler that
  ends the process where the signal arrives is a command-line tool's Ctrl-C exit);
- `cli`: any other `main`;
- the main's role: the body of a program, a package a short main() hands the program to
  (`func main() { etcdmain.Main(os.Args) }`) that only `main`s import;
- `library`: the rest (with the services that reach it through module-local imports),
  unless `main`s of the run import it and none is a service: then it takes their role
  (`cli` if a command-line tool is among them), since it runs only in those programs.

`served` marks code a service runs (its main, its body, a library it imports): some
findings there are the service's own policy (`Report.unless_served`).

A single file that imports `testing` or is named like a mock is test support in a package
of another role, and so is a function only the package's tests can call (test_only.py,
looked up per finding). `RoleSelection` decides what a run reports: the rules' `applies-to`,
the roles asked for, and packages named on the command line (`named_explicitly`).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golint_resilience.analysis.facts import (
    STARTS_SERVER,
    WAITS_FOR_SIGNALS,
    FactStore,
    PackageFacts,
    flags_run_by,
    import_closure,
)
from golint_resilience.golang.discover import PackageDir, display_path
from golint_resilience.golang.globs import compile_globs
from golint_resilience.golang.repository import checkout_root
from golint_resilience.model import PackageRole, ResilintError

SERVICE = "service"
CLI = "cli"
DEVTOOL = "devtool"
EXAMPLE = "example"
TEST_SUPPORT = "test-support"
LIBRARY = "library"
ROLES = (SERVICE, CLI, LIBRARY, DEVTOOL, EXAMPLE, TEST_SUPPORT)
PRODUCTION_ROLES = (SERVICE, CLI, LIBRARY)  # the roles every rule applies to unless it says otherwise

# Documentation and contributed extras ship samples next to the product, not the product
# (not `doc/`: go/doc and cmd/go/internal/doc are code named after what they do).
_EXAMPLE_NAMES = frozenset(
    {
        "example",
        "examples",
        "_example",
        "_examples",
        "demo",
        "demos",
        "sample",
        "samples",
        "docs",
        "documentation",
        "contrib",
    }
)
_EXAMPLE_SUFFIXES = ("-example", "_example", "-examples", "_examples", "-demo", "_demo")
_TEST_NAMES = frozenset(
    {
        "test",
        "tests",
        "e2e",
        "integration",
        "testutil",
        "testutils",
        "testhelper",
        "testhelpers",
        "testing",
        "testlib",
        "testsupport",
        "testenv",
        "mock",
        "mocks",
        "fake",
        "fakes",
    }
)
_TEST_PREFIXES = ("mock", "fake", "testutil", "e2e-", "e2e_", "integration-", "integration_")
_TEST_SUFFIXES = (
    "testutil",
    "testutils",
    "testing",
    "mock",
    "mocks",
    "fake",
    "fakes",
    "-e2e",
    "_e2e",
    "-test",
    "-tests",
)
_DEVTOOL_NAMES = frozenset({"tools", "hack", "devtools", "bench", "benchmark", "benchmarks"})
_GENERATOR_DIR = re.compile(r"(?:gen|generator|generate|-gen-.*|protoc-gen-.*)$|^gen[-_]")


@dataclass(frozen=True)
class RoleConfig:
    """What configuration says about roles: `[roles]` overrides (glob → role) and their root."""

    overrides: tuple[tuple[str, str], ...] = ()
    root: str = ""

    def override(self, directory: str) -> tuple[str, str] | None:
        """The role a glob gives a package directory, and the glob (the last matching one wins)."""
        if not self.overrides:
            return None
        relative = Path(os.path.relpath(directory, self.root or Path.cwd())).as_posix()
        for glob, role in reversed(self.overrides):
            spec = compile_globs((glob,))
            if spec.match_file(relative) or spec.match_file(relative + "/"):
                return role, glob
        return None


def validate_role(role: str, where: str) -> str:
    """`role` if it is a role's name, else a ResilintError naming `where`."""
    if role not in ROLES:
        msg = f"{where}: unknown role {role!r} (roles: {', '.join(ROLES)})"
        raise ResilintError(msg)
    return role


def _convention(name: str) -> tuple[str, str] | None:
    """The role a directory's name gives by the conventions of Go repositories, and why."""
    if name in _EXAMPLE_NAMES or name.endswith(_EXAMPLE_SUFFIXES):
        return EXAMPLE, f"directory {name}/ (examples, demos, documentation and contributed extras)"
    if name in _TEST_NAMES or name.startswith(_TEST_PREFIXES) or name.endswith(_TEST_SUFFIXES):
        return TEST_SUPPORT, f"directory {name}/ (tests, mocks and test helpers)"
    if name in _DEVTOOL_NAMES:
        return DEVTOOL, f"directory {name}/ (development tools and benchmarks)"
    return None


def _by_directory(directory: Path, root: Path) -> tuple[str, str, Path] | None:
    """The role of the outermost conventionally named directory between `root` and the package."""
    if not directory.is_relative_to(root):
        return None
    current = root
    for part in directory.relative_to(root).parts:
        current = current / part
        found = _convention(part)
        if found is not None:
            return found[0], found[1], current
    return None


def directory_role(directory: str) -> PackageRole | None:
    """The role directory names give a directory that holds no Go package (deployment files)."""
    root = checkout_root(Path(directory))
    found = _by_directory(Path(directory), root) if root is not None else None
    return PackageRole(directory, found[0], (found[1],), str(found[2])) if found is not None else None


def _shown(directory: str) -> str:
    """A package directory as users see it: relative to the working directory, `.` for it."""
    return "." if directory == os.path.abspath(".") else display_path(Path(directory))


def _local_role(facts: PackageFacts, generated_by: Mapping[str, str]) -> tuple[str, tuple[str, ...]] | None:
    """The role a package's own files give it (not a service or a CLI: that needs its imports)."""
    own = facts.roles
    if own.tools_file:
        return DEVTOOL, (f"{own.tools_file} is constrained by //go:build tools",)
    if facts.directory in generated_by:
        return DEVTOOL, (f"run by the {generated_by[facts.directory]}",)
    name = Path(facts.directory).name
    if own.is_main and _GENERATOR_DIR.search(name):
        return DEVTOOL, (f"a main in directory {name}/, named like a code generator",)
    if own.files and len(own.testing_files) == own.files:
        return TEST_SUPPORT, tuple(why for _, why in own.testing_files)
    package = facts.name
    if not own.is_main and (
        package in _TEST_NAMES or package.startswith(("mock", "fake")) or package.endswith(_TEST_SUFFIXES)
    ):
        return TEST_SUPPORT, (f"package {package} (mocks, fakes and test helpers)",)
    return None


_SERVICE_FLAGS = (
    (STARTS_SERVER, "main starts a server"),
    (WAITS_FOR_SIGNALS, "main runs until signalled, it handles signals"),
)


def _service_evidence(facts: PackageFacts, store: FactStore) -> str | None:
    """Why a `main` is a long-running service: a server start, else signal handling, in it or its imports.

    Only the packages the `main` imports directly and runs code of count (role_reading
    `code_imports`): a service wires its server and its signal handling there (`cmd/x` →
    `internal/app`), while a command-line tool of a large module reaches servers and Ctrl-C
    handlers of subcommands only further down, and a client that imports a server's package
    for its result types runs none of its servers.
    """
    imported = (found for d in sorted(facts.imports_run) if (found := store.get(d)) is not None)
    nearby = [(facts, facts.flags), *((found, flags_run_by(facts, found)) for found in imported)]
    for flag, what in _SERVICE_FLAGS:
        for found, running in nearby:
            if flag in running:
                return f"{what}: {found.witnesses.get(flag, flag)}"
    return None


def main_closures_missing(directories: Iterable[str], store: FactStore) -> set[str]:
    """Packages whose facts a service test of the `main` packages among `directories` still needs."""
    missing: set[str] = set()
    for directory in directories:
        facts = store.get(directory)
        if facts is not None and facts.roles.is_main:
            missing.update(d for d in import_closure(directory, store) if d not in store)
    return missing


def assign_roles(directories: Iterable[str], store: FactStore, config: RoleConfig) -> dict[str, PackageRole]:
    """The role of every package in `directories` (absolute), from the facts in `store`.

    `store` must hold the facts of every module-local package the `main`s import,
    transitively (see `main_closures_missing`).
    """
    analysed = [facts for d in sorted(set(directories)) if (facts := store.get(d)) is not None]
    generated_by = {
        target: f"`//go:generate go run` in {_shown(facts.directory)}/{line}"
        for facts in analysed
        for target, line in facts.roles.generate_targets
    }
    roles = {facts.directory: _role(facts, store, config, generated_by) for facts in analysed}
    _assign_program_bodies(analysed, roles)
    reached: dict[str, dict[str, list[str]]] = {}  # library → role of a main importing it → those mains
    served: set[str] = set()  # what a long-running main runs: itself and its module-local imports
    for main in (facts for facts in analysed if facts.roles.is_main):
        closure = list(import_closure(main.directory, store))
        shown, main_role = _shown(main.directory), roles[main.directory].role
        for directory in closure:
            if directory != main.directory:
                reached.setdefault(directory, {}).setdefault(main_role, []).append(shown)
        if _runs_until_signalled(main, store):
            served.update(closure)
    for directory, role in roles.items():
        if role.role == LIBRARY and role.anchor == directory:
            roles[directory] = _library_role(role, reached.get(directory, {}))
    for directory in served & roles.keys():
        roles[directory] = dataclasses.replace(roles[directory], served=True)
    return roles


def _runs_until_signalled(main: PackageFacts, store: FactStore) -> bool:
    """Is this `main` a long-running program, whatever role a directory name gives it?

    Served code is read from what programs do: the demo service under `examples/` runs its
    `internal/config` as a production service would.
    """
    return not main.roles.c_exports and _service_evidence(main, store) is not None


def _assign_program_bodies(analysed: list[PackageFacts], roles: dict[str, PackageRole]) -> None:
    """A package that a main's main() hands the program to, and only mains import, is that program.

    `func main() { etcdmain.Main(os.Args) }`, cobra's `cmd.Execute()`: the package holds what
    would otherwise be package main, so it takes the main's role (a library that other
    packages import too stays a library: it is an API as well).
    """
    importers: dict[str, list[PackageFacts]] = {}
    for facts in analysed:
        if roles[facts.directory].role in PRODUCTION_ROLES:
            for directory in facts.imports:
                importers.setdefault(directory, []).append(facts)
    for facts in analysed:
        body = facts.roles.delegate
        main = roles.get(facts.directory)
        current = roles.get(body)
        if not body or main is None or current is None or current.role != LIBRARY or current.anchor != body:
            continue
        if all(importer.roles.is_main for importer in importers.get(body, ())):
            program, call = _shown(facts.directory), facts.roles.delegate_call
            why = f"the body of the program {program}: its main() calls {call}"
            roles[body] = dataclasses.replace(current, role=main.role, evidence=(why, *current.evidence))


def _library_role(role: PackageRole, mains: Mapping[str, list[str]]) -> PackageRole:
    """A library takes the role of the programs that import it, unless a service is among them.

    Code only command-line tools (or only generators, examples, test programs) import
    runs only there; a library no `main` of the run imports is a library (a public API).
    """

    def listed(role_name: str) -> str:
        return ", ".join(sorted(mains[role_name])[:3])

    if SERVICE in mains:
        why = f"imported by the service {listed(SERVICE)}"
        return dataclasses.replace(role, evidence=(*role.evidence, why))
    if not mains:
        return dataclasses.replace(role, evidence=(*role.evidence, "no main of this run runs its code"))
    name = CLI if CLI in mains else min(mains, key=lambda r: (-len(mains[r]), r))
    programs = "command-line tools" if name == CLI else f"{name} programs"
    why = f"imported only by {programs} ({listed(name)}), by no service"
    return dataclasses.replace(role, role=name, evidence=(*role.evidence, why))


def _role(
    facts: PackageFacts, store: FactStore, config: RoleConfig, generated_by: Mapping[str, str]
) -> PackageRole:
    directory = facts.directory
    files = tuple((name, TEST_SUPPORT, why) for name, why in facts.roles.testing_files)
    overridden = config.override(directory)
    if overridden is not None:
        why = f"configured: [roles] {overridden[1]!r}"
        return PackageRole(directory, overridden[0], (why,), directory)
    by_directory = _by_directory(Path(directory), Path(facts.roles.root)) if facts.roles.root else None
    if by_directory is not None:
        role, why, anchor = by_directory
        return PackageRole(directory, role, (why,), str(anchor))
    local = _local_role(facts, generated_by)
    if local is not None:
        return PackageRole(directory, local[0], local[1], directory)
    if facts.roles.is_main and facts.roles.c_exports:
        why = f"a main with cgo //export functions ({facts.roles.c_exports}): built as a C library or plugin"
        return PackageRole(directory, LIBRARY, (why,), directory, files)
    if facts.roles.is_main:
        evidence = _service_evidence(facts, store)
        if evidence is not None:
            return PackageRole(directory, SERVICE, (evidence,), directory, files)
        return PackageRole(
            directory, CLI, ("a main that neither starts a server nor handles signals",), directory, files
        )
    return PackageRole(directory, LIBRARY, (), directory, files)


@dataclass(frozen=True)
class RoleSelection:
    """Which roles a run reports beyond what each rule's `applies-to` says.

    `asked`: roles asked for (`--include-roles`); `everything`: `--all-roles`.
    """

    asked: frozenset[str] = frozenset()
    everything: bool = False
    config: RoleConfig = field(default_factory=RoleConfig)

    def reports(self, role: str, applies_to: tuple[str, ...], *, named: bool) -> bool:
        """Is a finding of a rule that `applies_to` these roles reported in a package of `role`?

        A role asked for, or a package named explicitly, gets every rule.
        """
        return self.everything or named or role in self.asked or role in applies_to

    def asks_for(self, role: str) -> bool:
        """Is every finding of `role` asked for (`--include-roles`, `--all-roles`)?"""
        return self.everything or role in self.asked

    def includes(self, role: str, *, named: bool) -> bool:
        """Is every finding of a package of `role` reported (nothing left out by its role)?"""
        return self.everything or named or role in self.asked or role in PRODUCTION_ROLES


def named_explicitly(named: Iterable[Path | None], role: PackageRole) -> bool:
    """Does a directory that a pattern names lie in the one the package's role comes from?"""
    return any(base is not None and base.is_relative_to(role.anchor) for base in named)


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{role} {count}" for role, count in sorted(counts.items()))


def role_summary(packages: Mapping[str, int], findings: Mapping[str, int]) -> str:
    """What a run left out by role, and how to report it ("" when nothing)."""
    if not packages and not findings:
        return ""
    parts = []
    if packages:
        total = sum(packages.values())
        parts.append(f"{total} package{'s' if total != 1 else ''} ({_counts(packages)})")
    if findings:
        total = sum(findings.values())
        cli = "; in command-line tools, of rules for long-running programs" if CLI in findings else ""
        parts.append(f"{total} finding{'s' if total != 1 else ''} ({_counts(findings)}{cli})")
    asked = ",".join(sorted({*packages, *findings}))
    return (
        f"Left out by role: {' and '.join(parts)}. Report them with --include-roles {asked}"
        " or --all-roles; `resilint roles` shows why."
    )


def role_listing(
    roles: Mapping[str, PackageRole], directories: Iterable[PackageDir], selection: RoleSelection
) -> list[dict[str, Any]]:
    """`resilint roles`: every package's role, evidence and whether a run reports it, by path."""
    named = {os.path.abspath(d.path): d.named for d in directories}
    listing: list[dict[str, Any]] = []
    for directory, role in roles.items():
        listing.append(
            {
                "path": _shown(directory),
                "role": role.role,
                "evidence": list(role.evidence),
                "reported": selection.includes(
                    role.role, named=named_explicitly([named.get(directory)], role)
                ),
                "files": [{"file": name, "role": r, "evidence": why} for name, r, why in role.file_roles],
            }
        )
    return sorted(listing, key=lambda entry: str(entry["path"]))
