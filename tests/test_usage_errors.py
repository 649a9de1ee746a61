"""Usage errors: one line on stderr, exit 2, and a suggestion where one is obvious."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import EXIT_IN_LIB, invoke


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "svc" / "lib").mkdir(parents=True)
    (tmp_path / "svc" / "lib" / "lib.go").write_text(EXIT_IN_LIB, encoding="utf-8")
    return tmp_path


def _error(root: Path, *args: str) -> str:
    """The one line of a failed run's stderr."""
    code, out, err = invoke(*args, cwd=root)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1, err
    assert err.startswith("resilint: error: ")
    return err.strip()


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("help", "resilint --help"),
        ("version", "resilint --version"),
        ("rule", "resilint rules"),
        ("explian", "resilint explain"),
        ("chek", "resilint check"),
    ],
)
def test_a_mistyped_command_gets_a_suggestion(root: Path, word: str, suggestion: str) -> None:
    assert _error(root, word) == (
        f"resilint: error: {word!r} is neither a command nor a path; did you mean '{suggestion}'?"
    )


def test_an_existing_path_is_a_path_even_when_it_looks_like_a_command(root: Path) -> None:
    (root / "svc").rename(root / "rule")
    code, out, _ = invoke("rule/...", cwd=root)
    assert code == 1
    assert "RES101" in out
    (root / "rule" / "lib").rename(root / "lib")
    (root / "lib").rename(root / "rule")
    (root / "rule" / "lib.go").rename(root / "rule" / "rule.go")
    code, out, _ = invoke("rule", cwd=root)
    assert code == 1
    assert "rule/rule.go" in out


def test_a_word_far_from_every_command_is_a_missing_path(root: Path) -> None:
    assert _error(root, "orders") == "resilint: error: orders: no such file or directory"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--formt", "json"],
            "no such option '--formt'. Did you mean '--format'? (see 'resilint check --help')",
        ),
        (["--jobs", "0"], "invalid value for '-j' / '--jobs': 0 is not in the range x>=1"),
        (["rules", "--format", "xml"], "invalid value for '--format': 'xml' is not one of 'text', 'json'"),
        (["explain"], "missing argument 'RULE' (see 'resilint explain --help')"),
        (
            ["config", "--config", "nope.toml"],
            "invalid value for '--config': File 'nope.toml' does not exist",
        ),
    ],
)
def test_click_usage_errors_are_one_line(root: Path, args: list[str], message: str) -> None:
    assert message in _error(root, *args)


def test_a_directory_with_go_files_only_below_suggests_dir_dots(root: Path) -> None:
    assert _error(root, "svc") == (
        "resilint: error: pattern 'svc' matched no Go files: svc has none directly in it, only below; "
        "did you mean 'svc/...'?"
    )
    (root / "empty").mkdir()
    assert _error(root, "empty") == "resilint: error: pattern 'empty' matched no Go files"
