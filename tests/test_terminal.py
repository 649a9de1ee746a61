"""Colour follows --color/--no-color, then NO_COLOR / FORCE_COLOR, then the terminal; pipes never wrap."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from golint_resilience.catalog.specs import load_catalog
from harness import EXIT_IN_LIB, invoke

ESCAPE = "\x1b["
COMMANDS = [[], ["rules"], ["explain", "RES101"]]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.go").write_text(EXIT_IN_LIB, encoding="utf-8")
    return tmp_path


def _environment(**variables: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    return {**environment, **variables}


def _on_a_terminal(root: Path, *args: str, **variables: str) -> str:
    """What resilint writes to stdout when stdout is a (pseudo-)terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "golint_resilience", *args],
        cwd=root,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=_environment(**variables),
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait()
    return b"".join(chunks).decode("utf-8", "replace")


def _piped(root: Path, *args: str, **variables: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "golint_resilience", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=_environment(**variables),
        check=False,
    ).stdout


def test_a_terminal_is_coloured_unless_no_color_is_set(root: Path) -> None:
    assert ESCAPE in _on_a_terminal(root)
    assert ESCAPE not in _on_a_terminal(root, NO_COLOR="1")


def test_force_color_colours_a_pipe(root: Path) -> None:
    assert ESCAPE not in _piped(root)
    assert ESCAPE in _piped(root, FORCE_COLOR="1")
    assert ESCAPE not in _piped(root, FORCE_COLOR="")  # set but empty: as if unset


@pytest.mark.parametrize("command", COMMANDS)
def test_the_flags_win_over_the_environment(
    root: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ESCAPE in invoke(*command, cwd=root)[1]
    assert ESCAPE not in invoke(*command, "--no-color", cwd=root)[1]
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESCAPE in invoke(*command, "--color", cwd=root)[1]


def test_no_color_wins_over_force_color(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESCAPE not in invoke(cwd=root)[1]


def test_a_report_written_to_a_file_is_coloured_only_with_color(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    invoke("-o", "report.txt", cwd=root)
    assert ESCAPE not in (root / "report.txt").read_text(encoding="utf-8")
    invoke("-o", "report.txt", "--color", cwd=root)
    assert ESCAPE in (root / "report.txt").read_text(encoding="utf-8")


def test_piped_rule_table_keeps_each_rule_on_one_line(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = invoke("rules", cwd=root)
    assert code == 0
    for spec in load_catalog().values():
        [line] = [line for line in out.splitlines() if spec.name in line]
        assert spec.id in line
        assert spec.summary in line


def test_rules_as_json(root: Path) -> None:
    code, out, _ = invoke("rules", "--format", "json", cwd=root)
    assert code == 0
    rules = json.loads(out)
    assert [rule["id"] for rule in rules] == list(load_catalog())
    assert {tuple(rule) for rule in rules} == {
        (
            "id",
            "name",
            "summary",
            "severity",
            "enabled_by_default",
            "implemented",
            "precision",
            "tags",
            "options",
        )
    }
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["RES201"]["name"] == "goroutine-without-recover"
    assert by_id["RES201"]["severity"] == "warning"
    assert by_id["RES201"]["enabled_by_default"] is True
    assert "recover-helpers" in by_id["RES201"]["options"]
