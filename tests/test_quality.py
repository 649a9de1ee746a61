"""The code base stays ruff-clean and mypy-strict-clean (both are test dependencies)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff() -> None:
    result = _run("ruff", "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_knowledge_and_the_front_end_never_import_a_rule_module() -> None:
    """Layers point one way: rule modules read knowledge, analysis and the Go front end, never each other."""
    package = Path(__file__).resolve().parents[1] / "src" / "golint_resilience"
    importing = re.compile(r"^\s*(?:from|import)\s+golint_resilience\.checks\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(package))
        for layer in ("knowledge", "analysis", "golang", "checks")
        for path in sorted((package / layer).glob("*.py"))
        if importing.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
