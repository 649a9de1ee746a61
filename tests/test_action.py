"""action.yml run as GitHub runs a composite action: each step's script, with the inputs, the
environment and the files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) that a runner provides.

Expressions are evaluated for the contexts the action uses (`inputs`, `github`, `steps`);
any other expression fails the test, so the action cannot depend on something untested.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from golint_resilience import __version__
from harness import EXIT_IN_LIB
from test_config import git, init_repo, write

yaml = pytest.importorskip("yaml")  # comes with pre-commit

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(text: str, context: dict[str, Any]) -> str:
    """`${{ a.b.c }}` replaced by its value; a missing property is '' (as in GitHub)."""

    def value(match: re.Match[str]) -> str:
        root, *names = match.group(1).split(".")
        assert root in context, f"untested expression {match.group(0)}"
        found: Any = context[root]
        for name in names:
            found = found.get(name) if isinstance(found, dict) else None
        return "" if found is None else str(found)

    return _EXPRESSION.sub(value, text)


def parse_file_commands(text: str) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` blocks, as GITHUB_OUTPUT holds them."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for body in lines:
                if body == delimiter:
                    break
                block.append(body)
            values[name] = "\n".join(block)
        elif line:
            name, item = line.split("=", 1)
            values[name] = item
    return values


@dataclass
class Run:
    status: int
    log: str
    outputs: dict[str, str]
    summary: str


class Runner:
    """One runner: a RUNNER_TEMP shared by the action's runs, like the steps of one job."""

    def __init__(self, temp: Path) -> None:
        self.temp = temp

    def run(self, workspace: Path, inputs: dict[str, str], *, event: dict[str, Any], steps: slice) -> Run:
        specs = ACTION["inputs"]
        assert set(inputs) <= set(specs), "unknown input"
        context: dict[str, Any] = {
            "inputs": {name: inputs.get(name, spec.get("default", "")) for name, spec in specs.items()},
            "github": {"action_path": str(ROOT), "event": event, "workspace": str(workspace)},
            "steps": {},
        }
        summary = self.temp / "summary.md"
        summary.write_text("", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "GIT_"))}
        env |= {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(self.temp),
            "XDG_CACHE_HOME": str(self.temp / "cache"),
        }
        log, status = [], 0
        for index, step in enumerate(ACTION["runs"]["steps"][steps]):
            assert step["shell"] == "bash"
            output = self.temp / f"output-{index}"
            output.write_text("", encoding="utf-8")
            script = self.temp / f"step-{index}.sh"
            script.write_text(evaluate(step["run"], context), encoding="utf-8")
            step_env = env | {k: evaluate(v, context) for k, v in step.get("env", {}).items()}
            completed = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],  # GitHub's `bash`
                cwd=workspace,
                env=step_env | {"GITHUB_OUTPUT": str(output)},
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            log.append(completed.stdout + completed.stderr)
            if "id" in step:
                context["steps"][step["id"]] = {"outputs": parse_file_commands(output.read_text("utf-8"))}
            status = completed.returncode
            if status != 0:
                break
        outputs = {name: evaluate(spec["value"], context) for name, spec in ACTION["outputs"].items()}
        return Run(status, "".join(log), outputs, summary.read_text(encoding="utf-8"))


INSTALL, RUN = slice(0, 1), slice(1, None)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """The install step, once: it builds resilint from this checkout into RUNNER_TEMP."""
    runner = Runner(tmp_path_factory.mktemp("runner"))
    workspace = tmp_path_factory.mktemp("empty-workspace")
    installed = runner.run(workspace, {}, event={}, steps=INSTALL)
    assert installed.status == 0, installed.log
    assert f"resilint {__version__}" in installed.log.splitlines()
    return runner


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    write(tmp_path, {"lib/lib.go": EXIT_IN_LIB, "clean/clean.go": "package clean\n"})
    init_repo(tmp_path)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_findings_fail_the_step_after_writing_sarif_and_summary(runner: Runner, workspace: Path) -> None:
    run = runner.run(workspace, {"sarif-file": "out/resilint.sarif"}, event={}, steps=RUN)
    assert run.status == 1, run.log
    assert run.outputs == {"sarif-file": "out/resilint.sarif", "findings": "1"}
    sarif = json.loads((workspace / "out" / "resilint.sarif").read_text(encoding="utf-8"))
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "RES101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lib/lib.go"
    assert "::error file=lib/lib.go,line=6," in run.log  # format: github (annotations)
    assert "RES101" in run.summary and "lib/lib.go" in run.summary


def test_only_new_on_a_pull_request_and_fail_on_never(runner: Runner, workspace: Path) -> None:
    base = git(workspace, "rev-parse", "HEAD").strip()
    write(workspace, {"clean/clean.go": EXIT_IN_LIB.replace("package lib", "package clean")})
    git(workspace, "commit", "-q", "-am", "head")
    inputs = {"only-new": "true", "fail-on": "never", "format": "text", "args": "--select RES1 -j 1"}
    run = runner.run(workspace, inputs, event={"pull_request": {"base": {"sha": base}}}, steps=RUN)
    assert run.status == 0, run.log
    assert run.outputs == {"sarif-file": "resilint.sarif", "findings": "1"}
    assert "clean/clean.go:6:2: RES101" in run.log
    assert "lib/lib.go" not in run.log + run.summary


def test_clean_baseline_and_config(runner: Runner, workspace: Path) -> None:
    write(workspace, {"ci/resilint.toml": 'select = ["RES2"]\n'})
    run = runner.run(
        workspace, {"config": "ci/resilint.toml", "paths": "./lib/... clean"}, event={}, steps=RUN
    )
    assert (run.status, run.outputs["findings"]) == (0, "0"), run.log
    (workspace / "ci" / "resilint.toml").unlink()
    baseline = subprocess.run(
        [str(runner.temp / "resilint-venv" / "bin" / "resilint"), "--write-baseline", "base.json"],
        cwd=workspace,
        capture_output=True,
        check=False,
    )
    assert baseline.returncode == 0, baseline.stderr
    run = runner.run(workspace, {"baseline": "base.json"}, event={}, steps=RUN)
    assert (run.status, run.outputs["findings"]) == (0, "0"), run.log


@pytest.mark.parametrize(
    ("inputs", "event", "message"),
    [
        ({"format": "json"}, {}, "::error title=resilint::format must be github, text or none, not 'json'"),
        ({"only-new": "true"}, {}, "::error title=resilint::only-new: true needs a pull_request event"),
        ({"only-new": "--output=x"}, {}, "'--output=x' is not a commit"),
    ],
)
def test_bad_inputs_exit_2(
    runner: Runner, workspace: Path, inputs: dict[str, str], event: dict[str, Any], message: str
) -> None:
    run = runner.run(workspace, inputs, event=event, steps=RUN)
    assert run.status == 2
    assert message in run.log
    assert run.outputs["findings"] == ""
