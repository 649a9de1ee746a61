"""Run a check or a fact extractor so that a file that exhausts its budget is left out of it.

The run is repeated without the matches of that file, and a notice names the file and
the rule; the other files of the package keep every finding and fact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from golint_resilience.golang.budget import BudgetExceeded
from golint_resilience.golang.index import Package
from golint_resilience.model import FileError
from golint_resilience.registry import Match

T = TypeVar("T")
Matches = dict[str, list[Match]]


def within_budget(
    what: str, run: Callable[[Matches], T], matches: Matches, package: Package, notices: list[FileError]
) -> T:
    """`run(matches)`, repeated without each file that runs out of budget (one notice each).

    When the work of other files reaches into a file already left out (a helper declared
    there), nothing of the package is looked at any more for `what`.
    """
    skipped: set[str] = set()
    while True:
        _reset(package)
        try:
            found = run(_without(matches, skipped))
        except BudgetExceeded as exc:
            everything = {context.file.display for context in package.contexts}
            if skipped == everything:
                raise  # not for want of matches: an error in the caller, reported as one
            if exc.display in skipped:
                skipped = everything
            else:
                skipped.add(exc.display)
                notices.append(FileError(exc.display, f"{what} skipped: {_WHY}"))
        else:
            _reset(package)  # what the caller does with the result starts afresh too
            return found


_WHY = "the analysis of this file exceeded its budget (pathologically nested code)"


def _reset(package: Package) -> None:
    for context in package.contexts:
        context.file.budget.reset()


def _without(matches: Matches, skipped: set[str]) -> Matches:
    if not skipped:
        return matches
    return {
        name: [m for m in found if m.context.file.display not in skipped] for name, found in matches.items()
    }
