"""Command lines as deployments write them: which program runs, and through which shell."""

from __future__ import annotations

import posixpath
import shlex

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})


def split(command: str) -> tuple[str, ...]:
    """Shell words of a command line (unbalanced quotes: split on blanks)."""
    try:
        return tuple(shlex.split(command, comments=True))
    except ValueError:
        return tuple(command.split())


def is_shell(program: str) -> bool:
    """Is the program a POSIX-style shell (`sh`, `/bin/bash`, `ash`, …)?"""
    return posixpath.basename(program) in SHELLS


def shell_script(words: tuple[str, ...]) -> str | None:
    """The script of `sh -c SCRIPT` (flags like `-e` may come first), else None."""
    if not words or not is_shell(words[0]):
        return None
    for position, word in enumerate(words[1:], start=1):
        if not word.startswith("-"):
            return None
        if "c" in word[1:] and position + 1 < len(words):
            return words[position + 1]
    return None


def program(words: tuple[str, ...]) -> str | None:
    """The program a command runs, as its file name: past `env`, `VAR=…` and `exec`."""
    for word in words:
        name = posixpath.basename(word)
        if name in {"exec", "env"} or ("=" in word and not word.startswith(("-", "/", "."))):
            continue
        if word.startswith("-"):
            continue
        return name or None
    return None


def execs(script: str) -> bool:
    """Does a shell command line hand the process over (`exec prog`)?"""
    words = split(script)
    return bool(words) and words[0] == "exec"
