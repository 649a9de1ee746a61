"""The byte prefilter: which query fragments could match a file, decided without parsing it.

A fragment names *triggers*: a file that holds none of them cannot match the fragment.
It may also name a *gate*: when no file of a package holds one of those, no file of the
package can match in a way the checks use. Parsing is the largest cost of a run, so the
triggers should be narrow; and since every file is searched, the search must be cheap:
each distinct literal is looked for once per file (memmem, in C), and not at all when a
shorter literal that it contains is already known to be absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from golint_resilience.golang.gomod import ModuleInfo
from golint_resilience.golang.index import Package


@dataclass(frozen=True)
class Confirmed:
    """A literal that alone would over-match, narrowed by a pattern (searched only where it is).

    A pattern that starts with a literal is searched fast by the regex engine.
    """

    literal: bytes
    pattern: re.Pattern[bytes]

    def confirm(self, data: bytes) -> bool:
        """Does the pattern match too (the literal being there)?"""
        return self.pattern.search(data) is not None


_STATEMENT_BEFORE = frozenset(b"\n{};:")
_BLANKS = frozenset(b" \t")


@dataclass(frozen=True)
class StatementStart:
    """A statement starting with `keyword` (`go`, `defer`), not the word in prose.

    The keyword is followed by a blank and preceded, blanks aside, by a newline, `{`, `}`,
    `;` or a case's `:`.
    """

    keyword: bytes

    @property
    def literal(self) -> bytes:
        """What must be in the file for the statement to be."""
        return self.keyword

    @cached_property
    def _followed_by_blank(self) -> re.Pattern[bytes]:
        return re.compile(re.escape(self.keyword) + rb"[ \t]")

    def confirm(self, data: bytes) -> bool:
        """Is one of the keyword's occurrences a statement's first word?"""
        for found in self._followed_by_blank.finditer(data):
            before = found.start() - 1
            while before >= 0 and data[before] in _BLANKS:
                before -= 1
            if before < 0 or data[before] in _STATEMENT_BEFORE:
                return True
        return False


_LOOKBACK = 512  # bytes before a name searched for its `.`: blanks and a comment or two


@dataclass(frozen=True)
class SelectorCall:
    """A call of a function or method named one of `names` through a selector.

    `log.Fatalf(`, `log.⏎Fatalf (`, `log. /* c */ Fatal(`, not the name in prose or as
    part of another name. The names share a prefix, the literal searched first.
    """

    names: tuple[bytes, ...]

    @cached_property
    def literal(self) -> bytes:
        """The prefix every name starts with."""
        prefix = self.names[0]
        for name in self.names[1:]:
            while not name.startswith(prefix):
                prefix = prefix[:-1]
        return prefix

    @cached_property
    def _call(self) -> re.Pattern[bytes]:
        prefix = self.literal
        endings = b"|".join(re.escape(name[len(prefix) :]) for name in self.names)
        return re.compile(re.escape(prefix) + b"(?:" + endings + rb")\s*\(")

    def confirm(self, data: bytes) -> bool:
        """Is one of the names' occurrences called after a `.`?"""
        return any(_follows_dot(data, found.start()) for found in self._call.finditer(data))


def _follows_dot(data: bytes, end: int) -> bool:
    """Is the last token before `end` a `.`, blanks and comments aside?

    A `.` right before is taken first, so that a `//` earlier on the line (in a string:
    `"http://…"`) is never mistaken for a comment around it.
    """
    before = data[max(0, end - _LOOKBACK) : end]
    while True:
        before = before.rstrip()
        if before.endswith(b"."):
            return True
        if before.endswith(b"*/"):
            opening = before.rfind(b"/*")
            if opening < 0:
                return False
            before = before[:opening]
            continue
        comment = before.find(b"//", before.rfind(b"\n") + 1)
        if comment < 0:
            return False
        before = before[:comment]


@dataclass(frozen=True)
class Imports:
    """A literal searched in the file's imports only (`"os/signal"`, `gin-gonic/gin`).

    That is, in the text before its first top-level declaration: a fraction of the file.
    """

    literal: bytes


@dataclass(frozen=True)
class LocalImport:
    """The file imports a package of its own module, or of a module replaced by a local directory.

    That is, its imports quote such a path; always false outside a module.
    """

    def literals(self, module: ModuleInfo | None) -> tuple[bytes, ...]:
        """How the module's import paths start, quoted."""
        if module is None:
            return ()
        return tuple(f'"{path}{end}'.encode() for path in module.local_module_paths for end in ('"', "/"))


LOCAL_IMPORT = LocalImport()


@dataclass(frozen=True)
class AnyName:
    """One of many names (a configured list: recover helpers) appears in the file as a word.

    The file's words are collected once and looked up in the set, so a list of any length
    costs one pass over the file instead of a search per name.
    """

    names: frozenset[bytes]


Trigger = bytes | Confirmed | StatementStart | SelectorCall | Imports | LocalImport | AnyName
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


def _prerequisites(literals: Iterable[bytes]) -> dict[bytes, bytes]:
    """For each literal, the longest other literal inside it: if that one is absent, so is it."""
    ordered = sorted(set(literals), key=len)
    found = {}
    for index, literal in enumerate(ordered):
        inside = [shorter for shorter in ordered[:index] if shorter in literal and shorter != literal]
        if inside:
            found[literal] = inside[-1]
    return found


def _literal_of(trigger: Trigger) -> bytes | None:
    """The literal searched in the whole file for a trigger, if one is."""
    if isinstance(trigger, bytes):
        return trigger
    return None if isinstance(trigger, (Imports, LocalImport, AnyName)) else trigger.literal


_DECLARATION_LINE = re.compile(rb"\n(?:func|type|var|const)\b")


def _imports_end(data: bytes) -> int:
    """Where a file's first top-level declaration starts (past any cgo preamble's C code)."""
    start = 0
    while (found := _DECLARATION_LINE.search(data, start)) is not None:
        opened = data.rfind(b"/*", 0, found.start())
        if opened < 0 or data.rfind(b"*/", 0, found.start()) > opened:
            return found.start()
        closed = data.find(b"*/", found.start())  # in a block comment: look past its end
        if closed < 0:
            break
        start = closed + 2
    return len(data)


class FileSearch:
    """The triggers found in one file, each literal searched at most once."""

    def __init__(self, data: bytes, module: ModuleInfo | None, prerequisites: Mapping[bytes, bytes]) -> None:
        self.data = data
        self.module = module
        self._prerequisites = prerequisites
        self._found: dict[bytes, bool] = {}

    def has(self, literal: bytes) -> bool:
        """Is the literal in the file?"""
        found = self._found.get(literal)
        if found is None:
            prerequisite = self._prerequisites.get(literal)
            found = (prerequisite is None or self.has(prerequisite)) and literal in self.data
            self._found[literal] = found
        return found

    @cached_property
    def imports(self) -> bytes:
        """The file's text up to its first top-level declaration."""
        return self.data[: _imports_end(self.data)]

    @cached_property
    def words(self) -> frozenset[bytes]:
        """Every identifier-like word of the file."""
        return frozenset(_WORD.findall(self.data))

    def holds(self, trigger: Trigger) -> bool:
        """Is the trigger in the file?"""
        if isinstance(trigger, bytes):
            return self.has(trigger)
        if isinstance(trigger, AnyName):
            return not trigger.names.isdisjoint(self.words)
        if isinstance(trigger, Imports):
            return trigger.literal in self.imports
        if isinstance(trigger, LocalImport):
            return any(literal in self.imports for literal in trigger.literals(self.module))
        return self.has(trigger.literal) and trigger.confirm(self.data)


class Prefilter:
    """The triggers and gates of a set of fragments, and which of them each file wants."""

    def __init__(
        self, triggers: Mapping[str, tuple[Trigger, ...]], gates: Mapping[str, tuple[Trigger, ...]]
    ) -> None:
        self.triggers = dict(triggers)
        self.gates = {name: gate for name, gate in gates.items() if gate}
        self._gate_first = {name for name, gate in self.gates.items() if len(gate) < len(self.triggers[name])}
        every = [*self.triggers.values(), *self.gates.values()]
        literals = [literal for group in every for t in group if (literal := _literal_of(t)) is not None]
        self.prerequisites = _prerequisites(literals)

    def searches(self, package: Package) -> list[FileSearch]:
        """A search per file of the package, in file order."""
        module = package.module
        return [FileSearch(c.file.data, module, self.prerequisites) for c in package.contexts]

    def wanted(self, searches: list[FileSearch]) -> list[tuple[str, ...]]:
        """For each file of a package, the fragments that could match it.

        Those whose triggers the file holds (none: every file) and whose gate some file of
        the package passes. Of the two, the one with fewer triggers is searched first.
        """
        gates_open: dict[str, bool] = {}

        def gate_open(name: str) -> bool:
            gate = self.gates.get(name)
            if gate is None:
                return True
            if name not in gates_open:
                gates_open[name] = any(search.holds(t) for search in searches for t in gate)
            return gates_open[name]

        def wants(search: FileSearch, name: str) -> bool:
            triggers = self.triggers[name]
            if name in self._gate_first:  # a gate-first fragment has triggers (more than its gate)
                return gate_open(name) and any(search.holds(t) for t in triggers)
            return (not triggers or any(search.holds(t) for t in triggers)) and gate_open(name)

        return [tuple(name for name in self.triggers if wants(search, name)) for search in searches]
