"""Apply findings' fixes: in memory and in rounds, then to disk (`--fix`) or as a diff (`--diff`).

A round applies, file by file, every fix whose edits touch no edit already taken (an
edit shared by two fixes, such as the same new import, is made once); the files it
changed are analysed again with their new contents and the next round applies what is
left, until a round changes nothing or `MAX_ROUNDS` have run. A file whose new contents
would not parse cleanly is left as it is. Outside the edits every byte is kept (line
endings, a BOM, the file's mode).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from golint_resilience.golang.source import SourceFile
from golint_resilience.model import Edit, Finding, Fix

MAX_ROUNDS = 8

# Analyse these files (display paths) with the given contents: their findings.
Reanalyse = Callable[[Mapping[str, bytes], frozenset[str]], list[Finding]]


def _touch(edit: Edit, other: Edit) -> bool:
    """Do two edits overlap or touch (then their order would matter)?"""
    return edit.start <= other.end and other.start <= edit.end


def apply_fixes(data: bytes, fixes: Iterable[Fix]) -> tuple[bytes, list[int]]:
    """Apply, in the order given, each fix that touches no edit already taken.

    Returns the new bytes and the positions of the fixes applied.
    """
    taken: list[Edit] = []
    applied = []
    for position, fix in enumerate(fixes):
        new = [e for e in fix.edits if e not in taken]
        if any(_touch(e, t) for e in new for t in taken):
            continue
        taken.extend(new)
        applied.append(position)
    result = bytearray(data)
    for edit in sorted(taken, key=lambda e: e.start, reverse=True):
        result[edit.start : edit.end] = edit.text.encode()
    return bytes(result), applied


@dataclass
class Outcome:
    """What the fixes did: the files' original and new contents, and what they repaired."""

    original: dict[str, bytes] = field(default_factory=dict)  # display path → bytes read
    fixed: dict[str, bytes] = field(default_factory=dict)  # display path → new bytes (changed only)
    repaired: Counter[str] = field(default_factory=Counter)  # rule id → findings repaired
    broken: list[str] = field(default_factory=list)  # files left alone: the result would not parse

    @property
    def total(self) -> int:
        """Findings repaired."""
        return sum(self.repaired.values())


def fix_in_rounds(
    findings: list[Finding], reanalyse: Reanalyse, *, unsafe: bool, read: Callable[[str], bytes]
) -> Outcome:
    """Apply the usable fixes of `findings` in rounds; nothing is written.

    Later rounds fix only findings reported in the first place (same fingerprint, which
    unrelated edits leave alone): what the baseline, `--new-from-rev` or per-path ignores
    hid stays untouched.
    """
    outcome = Outcome()
    contents: dict[str, bytes] = {}
    repaired: dict[str, Counter[str]] = {}
    reported = {f.fingerprint for f in findings}
    current = findings
    for _ in range(MAX_ROUNDS):
        by_path: dict[str, list[Finding]] = {}
        for finding in current:
            if finding.fix_applies(unsafe=unsafe):
                by_path.setdefault(finding.path, []).append(finding)
        changed = set()
        for path, group in sorted(by_path.items()):
            if path not in contents:
                contents[path] = outcome.original[path] = read(path)
            new, applied = apply_fixes(contents[path], [f.fix for f in group if f.fix is not None])
            repaired.setdefault(path, Counter()).update(group[i].rule_id for i in applied)
            if new != contents[path]:
                contents[path] = new
                changed.add(path)
        if not changed:
            break
        current = [
            f
            for f in reanalyse(contents, frozenset(changed))
            if f.path in changed and f.fingerprint in reported
        ]
    for path, data in sorted(contents.items()):
        if data == outcome.original[path]:
            continue
        if SourceFile(Path(path), path, data).root.has_error:
            outcome.broken.append(path)
            continue
        outcome.fixed[path] = data
        outcome.repaired.update(repaired[path])
    return outcome


def unified_diff(outcome: Outcome) -> str:
    """The changes as a unified diff (`a/` and `b/` prefixes, as git prints them)."""
    parts = []
    for path, new in sorted(outcome.fixed.items()):
        before = outcome.original[path].decode("utf-8", "replace").splitlines(keepends=True)
        after = new.decode("utf-8", "replace").splitlines(keepends=True)
        for line in difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"):
            parts.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(parts)
