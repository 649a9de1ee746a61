"""`--new-from-rev REV`: keep only findings on lines changed since a git revision.

The changed lines come from `git diff -U0 REV` (the working tree against REV, staged or
not); files git does not track yet count as changed everywhere. A finding counts as new
when its first line was added or modified; lines that were only deleted leave nothing to
report on, so removing a `defer` that made a goroutine safe is not caught in this mode.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from golint_resilience.model import Finding, ResilintError

_FILE = re.compile(r"^\+\+\+ (?:b/(.*)|/dev/null)$")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")

Changes = dict[str, set[int] | None]  # absolute path → changed lines (None: the whole file)


def _git(args: list[str], cwd: Path, rev: str) -> str:
    try:
        completed = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except FileNotFoundError as exc:
        msg = "--new-from-rev needs git, which is not installed"
        raise ResilintError(msg) from exc
    if completed.returncode != 0:
        cause = next((line for line in completed.stderr.splitlines() if line.strip()), "git failed")
        msg = f"--new-from-rev {rev}: {cause.removeprefix('fatal: ')}"
        raise ResilintError(msg)
    return completed.stdout


def _key(path: Path) -> str:
    """Paths compared as git sees them: absolute, symbolic links resolved."""
    return os.path.realpath(path)


def parse_diff(diff: str, top: Path) -> Changes:
    """Added or modified lines per file of a `git diff -U0` output."""
    changes: Changes = {}
    current: set[int] | None = None
    for line in diff.split("\n"):  # not splitlines(): a "\r" in a changed line must not start a header
        file_match = _FILE.match(line)
        if file_match:
            name = file_match.group(1)
            current = changes.setdefault(_key(top / name), set()) if name is not None else None
            continue
        hunk = _HUNK.match(line)
        if hunk and current is not None:
            start, count = int(hunk.group(1)), int(hunk.group(2) or "1")
            current.update(range(start, start + count))
    return changes


def changed_lines(rev: str, cwd: Path) -> Changes:
    """What changed in the working tree of the repository around `cwd` since `rev`."""
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd, rev).strip()).resolve()
    except ResilintError as exc:
        msg = f"--new-from-rev {rev}: {Path(cwd).absolute()} is not inside a git repository"
        raise ResilintError(msg) from exc
    changes = parse_diff(_git(["diff", "--no-color", "--no-ext-diff", "-U0", rev, "--"], top, rev), top)
    for name in _git(["ls-files", "--others", "--exclude-standard", "-z"], top, rev).split("\0"):
        if name:
            changes[_key(top / name)] = None
    return changes


def keep_changed(findings: list[Finding], changes: Changes) -> list[Finding]:
    """The findings whose first line is new or modified."""
    kept = []
    for finding in findings:
        path = _key(Path(finding.path))
        if path not in changes:
            continue
        lines = changes[path]
        if lines is None or finding.span.line in lines:
            kept.append(finding)
    return kept
