"""git's ignore rules read with pathspec: the fallback for when git itself cannot be asked.

Used for a directory below a `.git` when the `git` command is missing or refuses the
repository. It knows the `.gitignore` files at every level and `.git/info/exclude` (not
`core.excludesFile`, and not which files are tracked: git itself never ignores those).
Like git, it does not look inside an ignored directory, so the walk prunes it.
"""

from __future__ import annotations

from pathlib import Path

import pathspec


class GitIgnore:
    """The ignore rules of one work tree (each .gitignore read once)."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _spec(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        """The patterns of directory/.gitignore (and, at the top, .git/info/exclude)."""
        if directory not in self._specs:
            sources = [directory / ".gitignore"]
            if directory == self.top:
                sources.insert(0, self.top / ".git" / "info" / "exclude")
            lines: list[str] = []
            for source in sources:
                try:
                    lines += source.read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    continue
            self._specs[directory] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self._specs[directory]

    def ignores(self, path: Path, *, is_dir: bool = False) -> bool:
        """Is `path` (below the top, its parents not ignored) ignored? Deeper files win, as in git."""
        ignored = False
        relative = path.relative_to(self.top)
        for directory in reversed(relative.parents):
            spec = self._spec(self.top / directory)
            if spec is None:
                continue
            name = relative.relative_to(directory).as_posix() + ("/" if is_dir else "")
            verdict = spec.check_file(name).include
            if verdict is not None:
                ignored = verdict
        return ignored

    def excludes(self, path: Path) -> bool:
        """Is the file ignored, itself or through an ignored directory above it?"""
        below_top = [self.top / parent for parent in reversed(path.relative_to(self.top).parents)][1:]
        return any(self.ignores(d, is_dir=True) for d in below_top) or self.ignores(path)
