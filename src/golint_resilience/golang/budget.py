"""A per-file allowance of analysis steps, so that hostile shapes degrade instead of stalling.

The traversal helpers charge a file's budget for each step they take in its tree, and a
report for the source text it quotes and fingerprints; a search of a subtree that would
have to drop matches (parsing.MATCH_LIMIT) spends all of it. The allowance grows with
the file's size, far above what ordinary code spends, so only pathological shapes
(thousands of nested literals, where some questions cost the depth for each of many
nodes) run out; the engine then skips that rule on that file and says so. Steps, not
seconds, keep the outcome the same on every machine and at every load.
"""

from __future__ import annotations

STEPS_PER_BYTE = 64
MINIMUM_STEPS = 2_000_000


class BudgetExceeded(Exception):  # noqa: N818 (not an error of the code: a limit reached)
    """The analysis of one file spent its allowance."""

    def __init__(self, display: str) -> None:
        super().__init__(f"{display}: analysis budget exceeded")
        self.display = display


class Budget:
    """The steps one rule may still spend on one file (reset before each rule)."""

    def __init__(self, display: str, size: int) -> None:
        self.display = display
        self.limit = MINIMUM_STEPS + STEPS_PER_BYTE * size
        self.spent = 0

    def charge(self, steps: int) -> None:
        """Spend `steps`; raises BudgetExceeded once the allowance is gone."""
        self.spent += steps
        if self.spent > self.limit:
            raise BudgetExceeded(self.display)

    def exhaust(self) -> None:
        """Spend what is left: the work cannot be done within any allowance."""
        self.charge(self.limit + 1)

    def reset(self) -> None:
        """A new rule starts with the whole allowance."""
        self.spent = 0
