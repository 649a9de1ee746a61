"""Package facts (phase 1) and the conditions that findings place on them (phase 2).

Like go/analysis facts: each package yields a small picklable summary (which functions
call `recover()` or an exit directly, which flags hold such as "handles signals").
A check that needs a fact of another module-local package does not wait for it: it
yields a report with a *condition*; the engine keeps the report once every package's
facts are known and the condition holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

# Function facts.
EXITS = "exits"  # the body (not nested literals) calls an exit function
RECOVERS = "recovers"  # the body (not nested literals) calls recover()

_NO_FACTS: frozenset[str] = frozenset()  # shared by most functions: small pickles, fast caches


@dataclass(frozen=True)
class PackageFacts:
    """What other packages may know about one package."""

    directory: str  # resolved absolute path: the key of the package
    name: str
    imports: tuple[str, ...]  # directories of the module-local packages it imports
    functions: dict[str, frozenset[str]]  # "F" or "T.m" → facts
    flags: frozenset[str]

    def function_has(self, key: str, fact: str) -> bool | None:
        """Does function `F` / method `T.m` have the fact? `*.m`: every method called m.

        None when no such declaration exists here (it cannot be inspected).
        """
        if key.startswith("*."):
            suffix = key[1:]
            methods = [
                facts for name, facts in self.functions.items() if name.endswith(suffix) and "." in name
            ]
            return all(fact in facts for facts in methods) if methods else None
        facts = self.functions.get(key)
        return None if facts is None else fact in facts


@dataclass
class FactsBuilder:
    """Collects facts while a package is analysed."""

    functions: dict[str, set[str]] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)  # functions that exist, with or without facts

    def declare(self, key: str) -> None:
        """Record that a function exists, so that "no fact" differs from "unknown"."""
        self.declared.add(key)

    def add(self, key: str, fact: str) -> None:
        """Record a fact of a function or method."""
        self.functions.setdefault(key, set()).add(fact)

    def build(self, directory: str, name: str, imports: tuple[str, ...]) -> PackageFacts:
        """Freeze into PackageFacts."""
        functions = dict.fromkeys(sorted(self.declared | self.functions.keys()), _NO_FACTS)
        functions.update((key, frozenset(facts)) for key, facts in self.functions.items())
        return PackageFacts(directory, name, imports, functions, frozenset(self.flags))


class FactStore:
    """Facts of every package seen in a run, keyed by directory."""

    def __init__(self) -> None:
        self._facts: dict[str, PackageFacts] = {}

    def add(self, facts: PackageFacts) -> None:
        """Store (or replace) the facts of a package."""
        self._facts[facts.directory] = facts

    def get(self, directory: str) -> PackageFacts | None:
        """Facts of the package in `directory`, if it was analysed."""
        return self._facts.get(directory)

    def __contains__(self, directory: str) -> bool:
        return directory in self._facts


class Condition(Protocol):
    """What must hold of other packages' facts for a report to stand."""

    def directories(self) -> tuple[str, ...]:
        """Packages whose facts the condition reads."""

    def evaluate(self, store: FactStore) -> bool | None:
        """True: keep; False: drop; None: unknown (the report's fallback applies)."""


@dataclass(frozen=True)
class FunctionFact:
    """Holds when function `key` of the package in `directory` has `fact`."""

    directory: str
    key: str
    fact: str
    negate: bool = False

    def directories(self) -> tuple[str, ...]:
        """The one package it reads."""
        return (self.directory,)

    def evaluate(self, store: FactStore) -> bool | None:
        """Look the fact up; unknown when the package or the function is missing."""
        facts = store.get(self.directory)
        found = facts.function_has(self.key, self.fact) if facts is not None else None
        if found is None:
            return None
        return not found if self.negate else found
