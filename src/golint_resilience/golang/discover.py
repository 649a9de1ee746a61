"""Turn command-line patterns into package directories, skipping what the go tool skips.

Patterns follow the go tool: `./...` and `dir/...` walk a tree; a directory names the
package in it; a `.go` file names itself (its whole package is still read, so that
package-level rules see every file, but only the named files are reported on).

Which files exist comes from a `FileSource`: the file system, or (respecting .gitignore)
git's own listing inside a work tree. The go tool's skip rules (vendor/, testdata/,
directories starting with `.` or `_`) apply on top, and a file that a symbolic link takes
out of the analysed tree is never read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from golint_resilience.golang.repository import nearest_git_top
from golint_resilience.golang.worktree import WorkTree, list_work_tree
from golint_resilience.model import ResilintError

if TYPE_CHECKING:
    from golint_resilience.golang.gitignore import GitIgnore

RECURSIVE_SUFFIX = "..."

Notice = Callable[[str], None]


@dataclass
class PackageDir:
    """A directory of Go files; `selected` limits reporting to some files (None: all).

    `named`: the deepest directory a pattern that found it names (`examples/orders` for
    `examples/orders/...`, the directory itself for a directory or a file): the package
    is named explicitly when that lies inside the directory its role comes from.
    """

    path: Path
    files: list[Path] = field(default_factory=list)
    selected: set[Path] | None = None
    named: Path | None = None


def skipped_dir_name(name: str) -> bool:
    """Directories the go tool never descends into under `./...`."""
    return name in {"vendor", "testdata"} or name.startswith((".", "_"))


def _is_go_file_name(name: str) -> bool:
    return name.endswith(".go") and not name.startswith((".", "_"))


def _is_directory(entry: os.DirEntry[str], *, follow: bool) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow)
    except OSError:  # a looping link: not a directory, reported when read
        return False


def _present_files(real: Path, names: list[str]) -> list[tuple[str, bool]]:
    """(name, is a link) of the Go file `names` that are files in the directory `real`.

    A file is anything but a directory, or a link to anything but a directory (a directory
    named `x.go` is not); a dangling or looping link still counts: it is reported when read.
    One listing of the directory answers for all its files.
    """
    try:
        entries = {entry.name: entry for entry in os.scandir(real)}
    except OSError:
        return []
    found = []
    for name in names:
        entry = entries.get(name)
        if entry is None or not _is_go_file_name(name):
            continue
        is_link = entry.is_symlink()
        if not _is_directory(entry, follow=is_link):
            found.append((name, is_link))
    return found


def _ignore(_: str) -> None:
    """Notices nobody asked for."""


class FileSource:
    """Lists the Go files of directories; `notice` hears about files it leaves out.

    With `respect_gitignore`, a directory inside a git work tree is listed by git (see
    worktree.py); when git cannot answer, .gitignore files are read with pathspec instead.
    Without it, every file on disk counts.
    """

    def __init__(self, *, respect_gitignore: bool = False, notice: Notice = _ignore) -> None:
        self.respect_gitignore = respect_gitignore
        self.notice = notice
        self._tops: dict[Path, Path | None] = {}
        self._rules_by_top: dict[Path, WorkTree | GitIgnore] = {}
        self._directory_listings: dict[tuple[Path, str], WorkTree | None] = {}
        self._files: dict[Path, list[Path]] = {}

    def _top(self, real: Path) -> Path | None:
        """The work tree's top level at or above `real` (None: not in one), as this run finds it."""
        return nearest_git_top(real, self._tops)

    def _rules(self, real: Path, *, whole_tree: bool = True) -> WorkTree | GitIgnore | None:
        """How ignored files are told apart in the real directory `real` (None: nothing is ignored).

        Without `whole_tree`, only `real` itself is asked about: unless the whole work tree
        is listed already, git lists that directory alone (a run on named files need not
        wait for git to walk a large tree for untracked files).
        """
        top = self._top(real)
        if top is None or not self.respect_gitignore:
            return None
        if not whole_tree and top not in self._rules_by_top:
            key = (top, _relative(real, top))
            if key not in self._directory_listings:
                self._directory_listings[key] = list_work_tree(top, only=key[1])
            listed = self._directory_listings[key]
            if listed is not None:
                return listed
        if top not in self._rules_by_top:
            self._rules_by_top[top] = list_work_tree(top) or _read_gitignores(top)
        return self._rules_by_top[top]

    def _root(self, real: Path) -> Path:
        """The tree the files of `real` must stay in: its work tree, else the working directory."""
        top = self._top(real)
        if top is not None:
            return top
        cwd = Path(os.path.realpath(Path.cwd()))
        return cwd if real.is_relative_to(cwd) else real

    def _leaves_root(self, file: Path, root: Path) -> bool:
        """Is `file` a symbolic link out of `root`? Such a file gets a notice and is never read."""
        if not file.is_symlink():
            return False
        target = Path(os.path.realpath(file))
        if target.is_relative_to(root):
            return False
        self.notice(f"{file}: skipped, a symbolic link to {target}, outside {root}")
        return True

    def files(self, directory: Path, real: Path | None = None) -> list[Path]:
        """The Go files of one directory that the run may read.

        `real`: the directory's real path, when the caller knows it without resolving links.
        """
        if directory not in self._files:
            real = real or Path(os.path.realpath(directory))
            rules = self._rules(real, whole_tree=False)
            if isinstance(rules, WorkTree):
                names = rules.go_files.get(_relative(real, rules.top), [])
            else:
                names = self._scan(real, rules)
            root = self._root(real)
            self._files[directory] = [
                directory / name
                for name, is_link in _present_files(real, names)
                if not (is_link and self._leaves_root(directory / name, root))
            ]
        return self._files[directory]

    @staticmethod
    def _scan(real: Path, rules: GitIgnore | None) -> list[str]:
        try:
            names = sorted(entry.name for entry in os.scandir(real) if _is_go_file_name(entry.name))
        except OSError:
            return []
        if rules is None:
            return names
        return [name for name in names if not rules.ignores(real / name)]

    def tree(self, base: Path) -> Iterator[tuple[Path, list[Path]]]:
        """(directory, Go files) for base and every directory below it that the go tool visits."""
        real = Path(os.path.realpath(base))
        rules = self._rules(real)
        if isinstance(rules, WorkTree):
            # git lists no directory through a link, so below `real` every path is real already
            for relative, _ in sorted(rules.below(_relative(real, rules.top))):
                if not relative:
                    yield base, self.files(base, real)
                elif not any(skipped_dir_name(part) for part in relative.split("/")):
                    yield base / relative, self.files(base / relative, real / relative)
            return
        for directory in _walk(base, real, rules):
            yield directory, self.files(directory)

    def refuses(self, file: Path) -> bool:
        """Must a file named on the command line stay unread? Yes when git ignores it or it links out."""
        real = Path(os.path.realpath(file.parent))
        rules = self._rules(real, whole_tree=False)
        if isinstance(rules, WorkTree):
            ignored = file.name not in rules.go_files.get(_relative(real, rules.top), [])
        else:
            ignored = rules is not None and rules.excludes(real / file.name)
        if ignored:
            self.notice(f"{file}: not analysed, git ignores it")
            return True
        return self._leaves_root(file, self._root(real))


def _relative(real: Path, top: Path) -> str:
    """`real` relative to `top`, as git lists directories ('' for the top itself)."""
    relative = real.relative_to(top).as_posix()
    return "" if relative == "." else relative


def _read_gitignores(top: Path) -> GitIgnore:
    """The .gitignore rules of a tree git cannot be asked about (pathspec, loaded only then)."""
    from golint_resilience.golang.gitignore import GitIgnore  # noqa: PLC0415

    return GitIgnore(top)


def _walk(root: Path, real_root: Path, rules: GitIgnore | None) -> list[Path]:
    """Every directory under root (root included) in sorted order, without following links.

    Directories the fallback rules ignore are not entered, as git does not enter them.
    """
    found: list[Path] = []
    stack = [(root, real_root)]
    while stack:
        current, real = stack.pop()
        found.append(current)
        try:
            names = [e.name for e in os.scandir(current) if e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        names = [n for n in names if not skipped_dir_name(n)]
        if rules is not None:
            names = [n for n in names if not rules.ignores(real / n, is_dir=True)]
        stack.extend((current / n, real / n) for n in sorted(names, reverse=True))
    return found


def discover(
    patterns: list[str], source: FileSource | None = None, *, whole_packages: bool = False
) -> list[PackageDir]:
    """Resolve patterns to package directories, in a stable order; bad patterns raise.

    With `whole_packages`, a `.go` file stands for its package: every file of it is
    reported on, so a change to one file shows what it breaks in the others.
    """
    source = source or FileSource()
    by_dir: dict[Path, PackageDir] = {}
    # Trees first: once git has listed a whole work tree, named files in it need no listing
    # of their own (the result does not depend on the order).
    for pattern in sorted(patterns, key=lambda p: not is_recursive(p)):
        matched = False
        if is_recursive(pattern):
            base = Path(pattern[: -len(RECURSIVE_SUFFIX)] or ".")
            if not base.is_dir():
                msg = f"pattern {pattern!r}: {base} is not a directory"
                raise ResilintError(msg)
            for directory, files in source.tree(base):
                if files:
                    matched = True
                    _add_dir(by_dir, directory, files, base)
        else:
            path = Path(pattern)
            if path.is_dir():
                files = source.files(path)
                matched = bool(files)
                if files:
                    _add_dir(by_dir, path, files, path)
            elif path.suffix == ".go" and (path.exists() or path.is_symlink()):
                matched = True
                if not source.refuses(path):
                    _add_file(by_dir, path, source, whole_package=whole_packages)
            elif path.exists():
                msg = f"{pattern}: not a Go file or directory"
                raise ResilintError(msg)
            else:
                msg = f"{pattern}: no such file or directory"
                raise ResilintError(msg)
        if not matched:
            msg = f"pattern {pattern!r} matched no Go files{_recursive_hint(pattern, source)}"
            raise ResilintError(msg)
    return [by_dir[key] for key in sorted(by_dir)]


def is_recursive(pattern: str) -> bool:
    """`./...`, `dir/...`: a tree, not one directory or file."""
    return pattern == RECURSIVE_SUFFIX or pattern.endswith("/" + RECURSIVE_SUFFIX)


def _recursive_hint(pattern: str, source: FileSource) -> str:
    """For a directory with Go files only below it: the `dir/...` the user probably meant."""
    path = Path(pattern)
    if pattern.endswith(RECURSIVE_SUFFIX) or not path.is_dir():
        return ""
    if not any(files for _directory, files in source.tree(path)):
        return ""
    recursive = pattern.rstrip("/") + "/" + RECURSIVE_SUFFIX
    return f": {path} has none directly in it, only below; did you mean {recursive!r}?"


def _deeper(named: Path | None, base: Path) -> Path:
    """Of two directories that patterns name above a package, the one nearer to it."""
    absolute = Path(os.path.abspath(base))
    return absolute if named is None or len(absolute.parts) > len(named.parts) else named


def _add_dir(by_dir: dict[Path, PackageDir], directory: Path, files: list[Path], base: Path) -> None:
    key = directory.resolve()
    entry = by_dir.get(key)
    if entry is None:
        by_dir[key] = PackageDir(directory, files, named=_deeper(None, base))
    else:
        entry.selected = None  # the whole directory was asked for
        entry.named = _deeper(entry.named, base)


def _add_file(by_dir: dict[Path, PackageDir], file: Path, source: FileSource, *, whole_package: bool) -> None:
    directory = file.parent
    key = directory.resolve()
    entry = by_dir.get(key)
    if entry is None:
        entry = PackageDir(directory, source.files(directory), set())
        by_dir[key] = entry
    entry.named = _deeper(entry.named, directory)
    if file not in entry.files:
        entry.files.append(file)
    if whole_package:
        entry.selected = None
    elif entry.selected is not None:
        entry.selected.add(file)


def display_path(path: Path) -> str:
    """How users see a path: relative to the working directory when below it, '/'-separated."""
    absolute = os.path.abspath(path)
    below = os.getcwd().rstrip(os.sep) + os.sep  # noqa: PTH109 (called per file: no Path objects)
    shown = absolute[len(below) :] if absolute.startswith(below) else absolute
    return shown.replace(os.sep, "/")
