"""The installed command line: exit codes, formats, options, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness import EXIT_AFTER_DEFER, EXIT_IN_LIB, FIXTURES, invoke

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EXITS = FIXTURES / "RES1_exits"

CLEAN = """package lib

func Fine() error { return nil }
"""


@pytest.fixture
def tree(tmp_path: Path):
    def make(source: str) -> Path:
        (tmp_path / "lib").mkdir(exist_ok=True)
        (tmp_path / "lib" / "lib.go").write_text(source, encoding="utf-8")
        return tmp_path

    return make


def test_findings_exit_1_with_a_code_frame(tree) -> None:
    code, out, _ = invoke(cwd=tree(EXIT_IN_LIB))
    assert code == 1
    assert "lib/lib.go:6:2: RES101 [error] os.Exit exits the process from Die()" in out
    assert " 6 |     os.Exit(1)" in out
    assert "^^^^^^^^^^" in out
    assert "Found 1 finding in 1 file." in out


def test_clean_exit_0(tree) -> None:
    code, out, _ = invoke("./...", cwd=tree(CLEAN))
    assert code == 0
    assert "No findings in 1 file." in out


def test_fail_on_error_ignores_warnings(tree) -> None:
    root = tree(EXIT_AFTER_DEFER)
    assert invoke("--fail-on", "error", cwd=root)[0] == 0
    assert invoke(cwd=root)[0] == 1
    assert invoke("--fail-on", "note", cwd=root)[0] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere/..."], "is not a directory"),
        (["--select", "RES999"], "unknown rule or prefix 'RES999'"),
        (["--ignore", "nope"], "unknown rule or prefix 'nope'"),
        (["empty"], "matched no Go files"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tree, args: list[str], message: str) -> None:
    root = tree(CLEAN)
    (root / "empty").mkdir()
    code, _, err = invoke(*args, cwd=root)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_internal_error_exit_2_without_traceback(tree, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("golint_resilience.cli.run", broken)
    code, _, err = invoke(cwd=tree(EXIT_IN_LIB))
    assert code == 2
    assert "internal error: RuntimeError: boom (please report it" in err
    assert "Traceback" not in err


def test_select_and_ignore(tree) -> None:
    root = tree(EXIT_AFTER_DEFER)
    _, out, _ = invoke("--format", "json", cwd=root)
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"RES102"}
    _, out, _ = invoke("--format", "json", "--ignore", "RES102", cwd=root)
    assert json.loads(out)["findings"] == []
    _, out, _ = invoke("--format", "json", "--select", "RES1", "--ignore", "exit-after-defer", cwd=root)
    assert json.loads(out)["findings"] == []


def test_json_schema(tree) -> None:
    code, out, _ = invoke("--format", "json", cwd=tree(EXIT_IN_LIB))
    document = json.loads(out)
    assert code == 1
    assert document["tool"] == "resilint"
    assert document["errors"] == []
    [finding] = document["findings"]
    assert finding == {
        "rule": "RES101",
        "name": "exit-outside-main",
        "severity": "error",
        "path": "lib/lib.go",
        "line": 6,
        "column": 2,
        "end_line": 6,
        "end_column": 12,
        "message": finding["message"],
        "fingerprint": finding["fingerprint"],
        "suppressed": False,
        "role": "library",
        "fix": None,
    }


def test_sarif_validates_against_the_schema(tree) -> None:
    code, out, _ = invoke("--format", "sarif", cwd=tree(EXIT_IN_LIB))
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    assert code == 1
    run = log["runs"][0]
    [result] = run["results"]
    rules = run["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "RES101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "lib/lib.go",
        "uriBaseId": "%SRCROOT%",
    }


def test_output_file_is_written_and_stdout_stays_empty(tree) -> None:
    root = tree(EXIT_IN_LIB)
    code, out, _ = invoke("--format", "sarif", "-o", "out.sarif", cwd=root)
    assert code == 1
    assert out == ""
    jsonschema.validate(json.loads((root / "out.sarif").read_text(encoding="utf-8")), SCHEMA)
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []


def test_output_is_deterministic_across_jobs() -> None:
    first = invoke("--format", "json", "-j", "1", cwd=EXITS)[1]
    second = invoke("--format", "json", "-j", "2", cwd=EXITS)[1]
    assert first == second
    assert len(json.loads(first)["findings"]) > 10


def test_include_tests_and_generated(tree) -> None:
    root = tree(CLEAN)
    (root / "lib" / "lib_test.go").write_text(EXIT_IN_LIB.replace("Die", "TestDie"), encoding="utf-8")
    (root / "lib" / "gen.go").write_text(
        "// Code generated by x. DO NOT EDIT.\n\n" + EXIT_IN_LIB, encoding="utf-8"
    )
    assert invoke(cwd=root)[0] == 0
    code, out, _ = invoke("--format", "json", "--include-tests", "--include-generated", cwd=root)
    assert code == 1
    assert sorted(f["path"] for f in json.loads(out)["findings"]) == ["lib/gen.go", "lib/lib_test.go"]


def test_quiet_is_one_line_per_finding(tree) -> None:
    _, out, _ = invoke("-q", cwd=tree(EXIT_IN_LIB))
    assert out.strip().splitlines() == [
        "lib/lib.go:6:2: RES101 [error] " + out.split("[error] ", 1)[1].strip()
    ]


def test_code_quoted_in_a_message_is_one_line(tree) -> None:
    wrapped = EXIT_IN_LIB.replace("os.Exit(1)", "os.\n\t\tExit(\n\t\t\t1,\n\t\t)")
    assert wrapped != EXIT_IN_LIB
    _, out, _ = invoke("-q", cwd=tree(wrapped))
    assert "RES101 [error] os.Exit exits the process from Die()" in out


def test_color_only_when_asked(tree) -> None:
    root = tree(EXIT_IN_LIB)
    assert "\x1b[" not in invoke(cwd=root)[1]
    assert "\x1b[" in invoke("--color", cwd=root)[1]


def test_rules_lists_all_22(tree) -> None:
    code, out, _ = invoke("rules", cwd=tree(CLEAN))
    assert code == 0
    for rule_id in ("RES101", "RES304", "RES701"):
        assert rule_id in out


def test_explain(tree) -> None:
    code, out, _ = invoke("explain", "RES102", cwd=tree(CLEAN))
    assert code == 0
    assert "exit-after-defer" in out
    assert "Why it matters" in out
    code, _, err = invoke("explain", "RES1O1", cwd=tree(CLEAN))
    assert code == 2
    assert "did you mean RES101?" in err


def test_version(tree) -> None:
    code, out, _ = invoke("--version", cwd=tree(CLEAN))
    assert code == 0
    assert out.startswith("resilint ")
