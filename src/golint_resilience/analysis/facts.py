"""Package facts (phase 1) and the conditions that findings place on them (phase 2).

Like go/analysis facts: each package yields a small picklable summary (which functions
call `recover()` or an exit directly, which flags hold such as "handles signals").
A check that needs a fact of another module-local package does not wait for it: it
yields a report with a *condition*; the engine keeps the report once every package's
facts are known and the condition holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from golint_resilience.analysis.rolefacts import RoleFacts
from golint_resilience.analysis.servicefacts import ServiceFacts

# Function facts.
EXITS = "exits"  # the body (not nested literals) calls an exit function
EXIT_WRAPPER = "exit-wrapper"  # a Fatal* method whose body always exits: its calls are exit calls
RECOVERS = "recovers"  # the body (not nested literals) calls recover()
DEFERS_RECOVERY = "defers-recovery"  # the body defers an effective recovery at its top level

# Package flags (each with a witness: the first construct that shows it).
STARTS_SERVER = "starts_server"  # any long-lived server: net/http, gRPC, gin, echo, fiber, `select {}`
STARTS_HTTP_SERVER = "starts_http_server"  # a net/http server value: `srv.ListenAndServe()` & co.
SERVES_HTTP_FUNCTION = "serves_http_function"  # package-level `http.ListenAndServe` & co.
SHUTS_DOWN_HTTP_SERVER = "shuts_down_http_server"  # `srv.Shutdown(ctx)` on an http.Server
HANDLES_SIGNALS = "handles_signals"  # `signal.Notify`, `signal.NotifyContext` or a signal helper
WAITS_FOR_SIGNALS = "waits_for_signals"  # … other than a handler that ends the process (a Ctrl-C exit)
SERVES_DEFAULT_MUX = "serves_default_mux"  # http.DefaultServeMux on a non-loopback address
SERVES_DEFAULT_MUX_SOMEWHERE = "serves_default_mux_somewhere"  # … on an address known at run time
RECOVERS_GOROUTINES = "recovers_goroutines"  # a goroutine started here recovers for sure

_NO_FACTS: frozenset[str] = frozenset()  # shared by most functions: small pickles, fast caches


@dataclass(frozen=True)
class PackageFacts:
    """What other packages may know about one package."""

    directory: str  # resolved absolute path: the key of the package
    name: str
    imports: tuple[str, ...]  # directories of the module-local packages it imports
    functions: dict[str, frozenset[str]]  # "F" or "T.m" → facts
    flags: frozenset[str]
    witnesses: dict[str, str] = field(default_factory=dict)  # flag → where it was first seen
    service: ServiceFacts = field(default_factory=ServiceFacts)  # for deployment checks
    roles: RoleFacts = field(default_factory=RoleFacts)  # what its files say about its role (roles.py)
    # flag → the exported functions that show it, "" for anywhere else (a method, init):
    # an importer that names none of them runs none of it (`flags_run_by`)
    flag_functions: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def imports_run(self) -> tuple[str, ...]:
        """The imports whose code the package runs.

        All of them, but for a `main` only those its code uses (role_reading `code_imports`),
        not those it reads only types and constants from.
        """
        if not self.roles.is_main:
            return self.imports
        running = set(self.roles.code_imports)
        return tuple(d for d in self.imports if d in running)

    def function_has(self, key: str, fact: str) -> bool | None:
        """Does function `F` / method `T.m` have the fact?

        None when no such declaration exists here (it cannot be inspected).
        """
        facts = self.functions.get(key)
        return None if facts is None else fact in facts


@dataclass
class FactsBuilder:
    """Collects facts while a package is analysed."""

    functions: dict[str, set[str]] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    witnesses: dict[str, str] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)  # functions that exist, with or without facts
    service: ServiceFacts = field(default_factory=ServiceFacts)
    flag_functions: dict[str, set[str]] = field(default_factory=dict)

    def declare(self, key: str) -> None:
        """Record that a function exists, so that "no fact" differs from "unknown"."""
        self.declared.add(key)

    def add(self, key: str, fact: str) -> None:
        """Record a fact of a function or method."""
        self.functions.setdefault(key, set()).add(fact)

    def flag(self, name: str, witness: str, function: str = "") -> None:
        """Record a package flag and, the first time, the construct that shows it.

        `function`: the exported function of the package whose body shows it; "" when
        the construct is anywhere else, which every importer that runs the package runs.
        """
        self.flags.add(name)
        self.witnesses.setdefault(name, witness)
        self.flag_functions.setdefault(name, set()).add(function)

    def merge(self, other: FactsBuilder) -> None:
        """Add everything `other` recorded (its witnesses only where this has none yet).

        The service facts have one extractor, so `other`'s replace these when it has any.
        """
        for key, facts in other.functions.items():
            self.functions.setdefault(key, set()).update(facts)
        self.flags |= other.flags
        for name, witness in other.witnesses.items():
            self.witnesses.setdefault(name, witness)
        self.declared |= other.declared
        for name, functions in other.flag_functions.items():
            self.flag_functions.setdefault(name, set()).update(functions)
        if other.service != ServiceFacts():
            self.service = other.service

    def build(self, directory: str, name: str, imports: tuple[str, ...]) -> PackageFacts:
        """Freeze into PackageFacts."""
        functions = dict.fromkeys(sorted(self.declared | self.functions.keys()), _NO_FACTS)
        functions.update((key, frozenset(facts)) for key, facts in self.functions.items())
        return PackageFacts(
            directory,
            name,
            imports,
            functions,
            frozenset(self.flags),
            dict(self.witnesses),
            self.service,
            flag_functions={flag: frozenset(f) for flag, f in sorted(self.flag_functions.items())},
        )


class FactStore:
    """Facts of every package seen in a run, keyed by directory."""

    def __init__(self) -> None:
        self._facts: dict[str, PackageFacts] = {}
        self._holders: dict[tuple[str, str], PackageFacts | None] = {}  # of first_with_flag

    def add(self, facts: PackageFacts) -> None:
        """Store (or replace) the facts of a package."""
        self._facts[facts.directory] = facts
        self._holders.clear()

    def first_with_flag(self, root: str, flag: str) -> PackageFacts | None:
        """The first package (by directory) at or below `root` that has `flag`.

        Remembered until facts are added: every pending finding of a module asks it.
        """
        key = (root, flag)
        if key not in self._holders:
            inside = root.rstrip(os.sep) + os.sep
            below = (self._facts[d] for d in sorted(self._facts) if d == root or d.startswith(inside))
            self._holders[key] = next((facts for facts in below if flag in facts.flags), None)
        return self._holders[key]

    def get(self, directory: str) -> PackageFacts | None:
        """Facts of the package in `directory`, if it was analysed."""
        return self._facts.get(directory)

    def __contains__(self, directory: str) -> bool:
        return directory in self._facts

    def directories(self) -> list[str]:
        """Every package directory with facts, sorted."""
        return sorted(self._facts)


class Condition(Protocol):
    """What must hold of other packages' facts for a report to stand."""

    def directories(self, store: FactStore) -> tuple[str, ...]:
        """Packages whose facts the condition reads, as far as the facts in `store` tell.

        The engine computes the facts of any of them still missing and asks again, until
        the answer only names known packages (a transitive condition grows as it learns).
        """

    def evaluate(self, store: FactStore) -> bool | None:
        """True: keep; False: drop; None: unknown (the report's fallback applies)."""

    def details(self, store: FactStore) -> dict[str, str]:
        """Message values that only the facts can give (e.g. where a server starts)."""


@dataclass(frozen=True)
class FunctionFact:
    """Holds when function `key` of the package in `directory` has `fact`."""

    directory: str
    key: str
    fact: str
    negate: bool = False

    def directories(self, store: FactStore) -> tuple[str, ...]:  # noqa: ARG002 (the protocol's signature)
        """The one package it reads."""
        return (self.directory,)

    def evaluate(self, store: FactStore) -> bool | None:
        """Look the fact up; unknown when the package or the function is missing."""
        facts = store.get(self.directory)
        found = facts.function_has(self.key, self.fact) if facts is not None else None
        if found is None:
            return None
        return not found if self.negate else found

    def details(self, store: FactStore) -> dict[str, str]:  # noqa: ARG002 (the protocol's signature)
        """Nothing to add: the report already names the function."""
        return {}


def import_closure(directory: str, store: FactStore) -> Iterator[str]:
    """`directory` and every module-local package whose code it runs, transitively, breadth first.

    That is every import, except those a `main` reads only types and constants from
    (`PackageFacts.imports_run`). Packages whose facts are not in `store` yet are yielded but
    not followed.
    """
    seen = {directory}
    queue = [directory]
    while queue:
        current = queue.pop(0)
        yield current
        facts = store.get(current)
        for imported in facts.imports_run if facts is not None else ():
            if imported not in seen:
                seen.add(imported)
                queue.append(imported)


def running_flags(directory: str, store: FactStore) -> Iterator[tuple[PackageFacts, frozenset[str]]]:
    """The packages of `directory`'s import closure, each with the flags of its that run.

    The package's own flags, and of each import those that some importer in the closure
    runs (`flags_run_by`).
    """
    closure = [f for d in import_closure(directory, store) if (f := store.get(d)) is not None]
    importers: dict[str, list[PackageFacts]] = {}
    for facts in closure:
        for imported in facts.imports_run:
            importers.setdefault(imported, []).append(facts)
    for facts in closure:
        by = importers.get(facts.directory)
        yield facts, frozenset().union(*(flags_run_by(q, facts) for q in by)) if by else facts.flags


_ANYWHERE = frozenset({""})


def flags_run_by(importer: PackageFacts, imported: PackageFacts) -> frozenset[str]:
    """The flags of `imported` that `importer` may run.

    All of them, but those shown only in exported functions that the importer never
    names: a program that imports `http_api` for `http_api.NewClient` does not run the
    server of `http_api.Serve` (`PackageFacts.flag_functions`, `RoleFacts.named_imports`).
    """
    shown_in = {flag: imported.flag_functions.get(flag, _ANYWHERE) for flag in imported.flags}
    only_in = {flag: shown for flag, shown in shown_in.items() if "" not in shown}
    names = dict(importer.roles.named_imports).get(imported.directory) if only_in else None
    if names is None:
        return imported.flags
    return imported.flags - {flag for flag, shown in only_in.items() if shown.isdisjoint(names)}


@dataclass(frozen=True)
class ClosureFlags:
    """A flag found (and others absent) over a package and its imports, transitively.

    Holds when, over the package in `directory` and the module-local packages it imports,
    transitively, some package has one of the flags `any_of` and none has any of `none_of`.

    `witness` names the message value that receives where the first `any_of` flag was seen.
    """

    directory: str
    any_of: tuple[str, ...]
    none_of: tuple[str, ...] = ()
    witness: str = ""

    def directories(self, store: FactStore) -> tuple[str, ...]:
        """Every package reachable through the facts known so far."""
        return tuple(import_closure(self.directory, store))

    def evaluate(self, store: FactStore) -> bool:
        """Decided over the packages whose facts are known (others have no flags)."""
        flags = set().union(*(running for _facts, running in running_flags(self.directory, store)))
        return bool(flags.intersection(self.any_of)) and not flags.intersection(self.none_of)

    def details(self, store: FactStore) -> dict[str, str]:
        """The witness of the first `any_of` flag, in breadth-first order from the package."""
        if not self.witness:
            return {}
        for facts, running in running_flags(self.directory, store):
            for flag in self.any_of:
                if flag in running and flag in facts.witnesses:
                    return {self.witness: facts.witnesses[flag]}
        return {}


@dataclass(frozen=True)
class ModuleFlag:
    """Holds when a package of the module in `root` has `flag`, among the packages the run knows.

    A run over part of a module decides from the packages it analysed (and those whose
    facts it needed): computing every package of the module for one file would make a
    one-file run as slow as a whole one. `describe` is how the witness reads in the
    message (`{}` is replaced by it); `absent_note` is what the run's summary says, once,
    when no package has the flag.
    """

    root: str
    flag: str
    witness: str = ""
    describe: str = "{}"
    absent_note: str = ""

    def directories(self, store: FactStore) -> tuple[str, ...]:  # noqa: ARG002 (the protocol's signature)
        """None beyond those known: see the class docstring."""
        return ()

    def _holder(self, store: FactStore) -> PackageFacts | None:
        return store.first_with_flag(self.root, self.flag)

    def evaluate(self, store: FactStore) -> bool:
        """Does some known package of the module have the flag?"""
        return self._holder(store) is not None

    def details(self, store: FactStore) -> dict[str, str]:
        """Where the first package (by directory) that has the flag shows it."""
        holder = self._holder(store)
        if not self.witness or holder is None:
            return {}
        return {self.witness: self.describe.format(holder.witnesses.get(self.flag, holder.directory))}


@dataclass(frozen=True)
class AllOf:
    """Holds when every condition holds; unknown when none fails but one is unknown."""

    conditions: tuple[Condition, ...]

    def directories(self, store: FactStore) -> tuple[str, ...]:
        """Every package the conditions read."""
        return tuple(sorted({d for c in self.conditions for d in c.directories(store)}))

    def evaluate(self, store: FactStore) -> bool | None:
        """False wins over unknown, unknown over true."""
        verdicts = [c.evaluate(store) for c in self.conditions]
        if False in verdicts:
            return False
        return None if None in verdicts else True

    def details(self, store: FactStore) -> dict[str, str]:
        """The details of every condition, merged."""
        merged: dict[str, str] = {}
        for condition in self.conditions:
            merged.update(condition.details(store))
        return merged


def summary_notes(condition: Condition, store: FactStore) -> list[str]:
    """What a condition tells the run's summary: the note of each module flag found absent."""
    if isinstance(condition, AllOf):
        return [note for c in condition.conditions for note in summary_notes(c, store)]
    if isinstance(condition, ModuleFlag) and condition.absent_note and not condition.evaluate(store):
        return [condition.absent_note]
    return []
