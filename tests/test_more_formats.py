"""`--format gitlab`, `--format rdjson`, `--statistics` and `--exit-zero`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from golint_resilience.catalog.specs import load_catalog
from golint_resilience.engine.pipeline import run
from golint_resilience.golang.discover import discover
from golint_resilience.model import RunResult, ToolError
from golint_resilience.report import rdjson
from golint_resilience.report.common import ReportOptions
from golint_resilience.settings import RunSettings, default_options
from harness import EXIT_AFTER_DEFER, chdir, invoke

DATA = Path(__file__).parent / "data"

# Two findings (RES101 twice, one with a non-ASCII string before it), one suppressed.
LIB = """package lib

import "os"

func Die() {
	os.Exit(1)
}

func Twice() {
	_ = "é"; os.Exit(3)
}

func Quiet() {
	os.Exit(2) //resilint:ignore RES101 wrapper
}
"""


def _schema(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for relative, source in (("svc/lib/lib.go", LIB), ("svc/cmd/main.go", EXIT_AFTER_DEFER)):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    (tmp_path / ".git").mkdir()  # the repository root that GitLab paths are relative to
    return tmp_path


def test_gitlab_code_quality(root: Path) -> None:
    code, out, _ = invoke("--format", "gitlab", "./...", cwd=root / "svc")
    assert code == 1
    issues = json.loads(out)
    jsonschema.validate(issues, _schema("gitlab-codequality.schema.json"))
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues] == [
        ("svc/cmd/main.go", 11, "major"),
        ("svc/lib/lib.go", 6, "critical"),
        ("svc/lib/lib.go", 10, "critical"),
    ]
    assert issues[1]["check_name"] == "RES101 exit-outside-main"
    assert issues[1]["description"].startswith("RES101 os.Exit exits the process from Die()")
    assert len({issue["fingerprint"] for issue in issues}) == 3


def test_rdjson(root: Path) -> None:
    code, out, _ = invoke("--format", "rdjson", "./...", cwd=root / "svc")
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, _schema("rdjson.schema.json"))
    assert document["source"]["name"] == "resilint"
    by_line = {d["location"]["range"]["start"]["line"]: d for d in document["diagnostics"]}
    assert sorted(by_line) == [6, 10, 11]
    die = by_line[6]
    assert die["location"]["path"] == "lib/lib.go"
    assert die["severity"] == "ERROR"
    assert die["code"]["value"] == "RES101"
    assert die["location"]["range"] == {"start": {"line": 6, "column": 2}, "end": {"line": 6, "column": 12}}
    # `\t_ = "é"; ` is 10 characters but 11 bytes: reviewdog counts bytes.
    assert by_line[10]["location"]["range"]["start"] == {"line": 10, "column": 12}
    assert by_line[10]["location"]["range"]["end"] == {"line": 10, "column": 22}
    assert by_line[11]["severity"] == "WARNING"


def test_statistics_text_and_json(root: Path) -> None:
    code, out, _ = invoke("--statistics", "./...", cwd=root)
    assert code == 1
    assert out.splitlines() == [
        "2  RES101  error    exit-outside-main",
        "1  RES102  warning  exit-after-defer",
    ]
    _, out, _ = invoke("--statistics", "--format", "json", "./...", cwd=root)
    assert json.loads(out) == [
        {"rule": "RES101", "name": "exit-outside-main", "severity": "error", "count": 2},
        {"rule": "RES102", "name": "exit-after-defer", "severity": "warning", "count": 1},
    ]


def test_statistics_with_another_format_is_a_usage_error(root: Path) -> None:
    code, out, err = invoke("--statistics", "--format", "sarif", cwd=root)
    assert (code, out) == (2, "")
    assert err == "resilint: error: --statistics works with --format text or json, not sarif\n"


def test_exit_zero_keeps_the_report_but_not_the_failure(root: Path) -> None:
    code, out, _ = invoke("--exit-zero", "-q", "./...", cwd=root)
    assert code == 0
    assert len(out.splitlines()) == 3
    assert invoke("--exit-zero", "nowhere/...", cwd=root)[0] == 2


def test_exit_zero_still_fails_on_internal_errors(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_check(*_args: object, **_kwargs: object) -> RunResult:
        return RunResult([], [], [ToolError("RES101", "svc/lib/lib.go", "RuntimeError: boom")], 2, 2)

    monkeypatch.setattr("golint_resilience.cli.run", broken_check)
    code, out, _ = invoke("--exit-zero", "./...", cwd=root)
    assert code == 2
    assert "internal error in RES101 on svc/lib/lib.go: RuntimeError: boom" in out


def test_rdjson_counts_columns_in_bytes_of_the_analysed_text(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    source = tmp_path / "lib" / "lib.go"
    source.write_text('package lib\n\nimport "os"\n\nfunc F() { _ = "é"; os.Exit(1) }\n', encoding="utf-8")
    with chdir(tmp_path):
        result = run(
            discover(["./..."]), RunSettings(rules=("RES101",), options=default_options(load_catalog()))
        )
    source.unlink()  # the reporter must not need the file any more
    stream = io.StringIO()
    rdjson.write(result, stream, ReportOptions(load_catalog(), "0"))
    [diagnostic] = json.loads(stream.getvalue())["diagnostics"]
    finding = result.findings[0]
    assert finding.span.column == 21  # characters
    assert diagnostic["location"]["range"]["start"]["column"] == 22  # bytes: "é" is two


def test_rdjson_carries_a_fix_as_suggestions(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/sig\n\ngo 1.22\n", encoding="utf-8")
    (tmp_path / "main.go").write_text(
        'package main\n\nimport (\n\t"os"\n\t"os/signal"\n)\n\nfunc main() {\n'
        "\tc := make(chan os.Signal, 1)\n\tsignal.Notify(c, os.Interrupt)\n\t<-c\n}\n",
        encoding="utf-8",
    )
    code, out, _ = invoke("--format", "rdjson", "--select", "RES402", "./...", cwd=tmp_path)
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, _schema("rdjson.schema.json"))
    [diagnostic] = document["diagnostics"]
    texts = sorted(s["text"] for s in diagnostic["suggestions"])
    assert texts == ['\n\t"syscall"', ", syscall.SIGTERM"]
