"""`--new-from-rev REV` / `--new-from-patch FILE`: keep only findings on changed lines.

The changed lines come from a unified diff: `git diff REV` (the working tree against
REV, staged or not) or a patch file. Files git does not track yet count as changed
everywhere. A finding counts as new when its first line was added or modified; lines
that were only deleted leave nothing to report on, so removing a `defer` that made a
goroutine safe is not caught in this mode.

git runs with every option that changes what a diff looks like pinned on the command
line (prefixes, colour, external diff drivers, textconv, relative paths), so the user's
git configuration cannot turn the diff into something that parses as "nothing changed".
The revision is resolved with `rev-parse --verify --end-of-options` first and only its
commit id reaches `git diff`: a revision that starts with `-` is never an option.
"""

from __future__ import annotations

import codecs
import os
import subprocess
from pathlib import Path

from golint_resilience.model import Finding, ResilintError

Changes = dict[str, set[int] | None]  # absolute path → changed lines (None: the whole file)

_DIFF_OPTIONS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--unified=0",
)


def _git(args: list[str], cwd: Path, what: str) -> str:
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
        msg = f"{what} needs git, which is not installed"
        raise ResilintError(msg) from exc
    if completed.returncode != 0:
        cause = next((line for line in completed.stderr.splitlines() if line.strip()), "git failed")
        msg = f"{what}: {cause.removeprefix('fatal: ')}"
        raise ResilintError(msg)
    return completed.stdout


def _key(path: Path) -> str:
    """Paths compared as git sees them: absolute, symbolic links resolved."""
    return os.path.realpath(path)


def _unquote(name: str) -> str:
    r"""A file name as git prints it: C-quoted ("a\\tb.go") when it has special characters."""
    if len(name) >= 2 and name[0] == name[-1] == '"':
        raw = codecs.escape_decode(name[1:-1].encode("utf-8"))[0]
        return raw.decode("utf-8", errors="replace")
    return name


def parse_diff(diff: str, top: Path, what: str) -> Changes:
    """Added lines per file of a unified diff whose paths are relative to `top`.

    `a/` and `b/` prefixes are optional (unidiff also knows git's mnemonic ones); a file
    the diff deletes has no lines left to report on. Text without a single file header
    is an error, not "nothing changed": it is no diff at all.
    """
    # Imported here: only a run with --new-from-rev or --new-from-patch reads a diff.
    from unidiff.errors import UnidiffParseError  # noqa: PLC0415
    from unidiff.patch import PatchSet  # noqa: PLC0415

    try:
        patch = PatchSet(diff)
    except UnidiffParseError as exc:
        msg = f"{what}: not a unified diff ({exc})"
        raise ResilintError(msg) from None
    if not patch and diff.strip():
        msg = f"{what}: not a unified diff (no '--- a/file' / '+++ b/file' headers)"
        raise ResilintError(msg)
    changes: Changes = {}
    for patched in patch:
        if patched.is_removed_file:
            continue
        added = changes.setdefault(_key(top / _unquote(patched.path)), set())
        for line in (line for hunk in patched for line in hunk if line.is_added):
            if added is not None and line.target_line_no is not None:
                added.add(line.target_line_no)
    return changes


def _top_level(cwd: Path, what: str) -> Path:
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], cwd, what).strip()).resolve()
    except ResilintError as exc:
        msg = f"{what}: {Path(cwd).absolute()} is not inside a git repository"
        raise ResilintError(msg) from exc


def _commit(rev: str, top: Path, what: str) -> str:
    """The commit id `rev` names; anything else (including `--an-option`) is an error."""
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], top, what)
    except ResilintError:
        msg = f"{what}: {rev!r} is not a commit in this repository"
        raise ResilintError(msg) from None


def changed_lines(rev: str, cwd: Path) -> Changes:
    """What changed in the working tree of the repository around `cwd` since `rev`."""
    what = f"--new-from-rev {rev}"
    top = _top_level(cwd, what)
    commit = _commit(rev, top, what).strip()
    changes = parse_diff(_git(["diff", *_DIFF_OPTIONS, commit, "--"], top, what), top, what)
    for name in _git(["ls-files", "--others", "--exclude-standard", "-z", "--"], top, what).split("\0"):
        if name:
            changes[_key(top / name)] = None
    return changes


def patch_lines(patch: Path, cwd: Path) -> Changes:
    """The lines a patch file adds; its paths are relative to the git top level (else `cwd`)."""
    what = f"--new-from-patch {patch}"
    try:
        text = patch.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        msg = f"{what}: {exc.strerror or exc}"
        raise ResilintError(msg) from exc
    try:
        top = _top_level(cwd, what)
    except ResilintError:
        top = Path(cwd).resolve()
    return parse_diff(text, top, what)


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
