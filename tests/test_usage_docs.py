"""docs/usage.md documents every option, and its examples are what resilint prints."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from golint_resilience import __version__
from golint_resilience.cli import main
from golint_resilience.report import FORMATS
from harness import EXIT_IN_LIB, invoke

ROOT = Path(__file__).resolve().parents[1]
USAGE = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")
_CONSOLE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
_JSON = re.compile(r"^### JSON\n.*?^```json\n(.*?)^```", re.MULTILINE | re.DOTALL)
ELLIPSIS = "…"


def _options(command: click.Command) -> list[str]:
    return [
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    ]


def _documented(option: str) -> bool:
    return re.search(rf"`(?:[^`]*[ ,])?{re.escape(option)}(?![\w-])", USAGE) is not None


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_is_documented(name: str) -> None:
    missing = [option for option in _options(main.commands[name]) if not _documented(option)]
    assert missing == [], f"resilint {name}: {missing} are not in docs/usage.md"


def test_every_format_is_documented() -> None:
    assert {f for f in FORMATS if f"| `{f}`" not in USAGE and f"| `{f}` (default)" not in USAGE} == set()


def _console_examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of each `$ …` in a console block; `…` ends a prefix."""
    examples = []
    for block in _CONSOLE.findall(USAGE):
        lines = block.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
            examples.append((lines[start][2:], lines[start + 1 : end]))
    return examples


@pytest.mark.parametrize(("command", "expected"), _console_examples())
def test_console_examples_print_what_the_docs_show(command: str, expected: list[str]) -> None:
    resilint = f"{shlex.quote(sys.executable)} -m golint_resilience"
    script = f'resilint() {{ {resilint} "$@"; }}\n{command}'
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    printed = (result.stdout + result.stderr).splitlines()
    if expected and expected[-1] == ELLIPSIS:
        expected = expected[:-1]
        printed = printed[: len(expected)]
    assert printed == expected


def test_the_json_example_is_real_output(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.go").write_text(EXIT_IN_LIB, encoding="utf-8")
    (tmp_path / "lib" / "gone.go").symlink_to(tmp_path / "nowhere.go")
    [documented] = _JSON.findall(USAGE)
    _, out, _ = invoke("--format", "json", cwd=tmp_path)
    assert json.loads(out) == {**json.loads(documented), "version": __version__}
