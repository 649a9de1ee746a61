"""SARIF for GitHub code scanning: schema, descriptors, results, paths, columns, fingerprints."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from golint_resilience.catalog.specs import load_catalog, parse_rule
from golint_resilience.engine.pipeline import run
from golint_resilience.golang.discover import discover
from golint_resilience.golang.linehash import LineHashes
from golint_resilience.model import ResilintError
from golint_resilience.registry import CHECKS
from golint_resilience.report.common import ReportOptions
from golint_resilience.report.sarif import DESCRIPTION_LIMIT, build_log, clip
from golint_resilience.settings import RunSettings, default_options
from harness import chdir, invoke

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "orders"
RULES = Path(__file__).resolve().parents[1] / "rules"

LIB = """package lib

import "os"

// Die exits.
func Die() {
	os.Exit(1)
}
"""
# Non-ASCII before the finding on the same line: CJK (1 UTF-16 unit each) and an emoji
# outside the BMP (2 units, 1 character).
WIDE = """package lib

import "os"

func Wide() {
	/* 中文注释 😀 */ os.Exit(1)
}
"""
SUPPRESSED = """package lib

import "os"

func Quiet() {
	os.Exit(1) //resilint:ignore RES101 the CLI wrapper owns this process
}

func Loud() {
	os.Exit(2)
}
"""


def sarif(*args: str, cwd: Path) -> dict:
    code, out, err = invoke("--format", "sarif", *args, cwd=cwd)
    assert code in (0, 1), err
    assert out.isascii()
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    return log


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def region(result: dict) -> dict:
    return result["locations"][0]["physicalLocation"]["region"]


def artifact(result: dict) -> dict:
    return result["locations"][0]["physicalLocation"]["artifactLocation"]


# --- the run and its rules ---------------------------------------------------------------


def test_one_run_with_every_rule_from_rules_dir(tmp_path: Path) -> None:
    write(tmp_path, "lib/lib.go", LIB)
    log = sarif(cwd=tmp_path)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "resilint"
    assert driver["version"] == driver["semanticVersion"]
    assert driver["informationUri"].startswith("https://")
    catalog = load_catalog()
    assert [rule["id"] for rule in driver["rules"]] == list(catalog)
    for rule in driver["rules"]:
        spec = catalog[rule["id"]]
        assert rule["name"] == spec.name
        assert rule["shortDescription"]["text"] == spec.summary + "."
        assert 0 < len(rule["fullDescription"]["text"]) <= DESCRIPTION_LIMIT
        assert rule["help"]["markdown"].startswith(f"# {spec.id} {spec.name}")
        assert "**not implemented yet**" not in rule["help"]["markdown"]  # every rule is (RES901 too)
        assert "How to fix it" in rule["help"]["text"]
        assert "#" not in rule["help"]["text"].split("\n", 1)[0]
        assert rule["defaultConfiguration"]["level"] == spec.severity.value
        properties = rule["properties"]
        assert properties["tags"] == list(spec.tags)
        assert properties["precision"] == spec.precision
        assert properties["problem.severity"] in {"error", "warning", "recommendation"}
        if "security" in spec.tags:
            assert 0.0 < float(properties["security-severity"]) <= 10.0
        else:
            assert "security-severity" not in properties
    assert run["columnKind"] == "utf16CodeUnits"
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    assert run["automationDetails"] == {"id": "resilint/"}


def test_some_rule_is_a_security_rule() -> None:
    assert any(spec.security_severity for spec in load_catalog().values())


@pytest.mark.parametrize(
    ("rule_file", "value", "error"),
    [
        ("RES701-pprof-exposed.toml", None, "need security-severity"),
        ("RES701-pprof-exposed.toml", "high", "need security-severity"),
        ("RES701-pprof-exposed.toml", "0.0", "need security-severity"),
        ("RES101-exit-outside-main.toml", "5.0", "only for rules tagged 'security'"),
    ],
)
def test_security_severity_is_validated(rule_file: str, value: str | None, error: str) -> None:
    data = tomli.loads((RULES / rule_file).read_text(encoding="utf-8"))
    data.pop("security-severity", None)
    if value is not None:
        data["security-severity"] = value
    with pytest.raises(ResilintError, match=error):
        parse_rule(data, rule_file)


def test_clip_keeps_whole_sentences() -> None:
    text = "First sentence here. " * 100
    clipped = clip(text)
    assert len(clipped) <= DESCRIPTION_LIMIT
    assert clipped.endswith("here.")
    assert clip("short.") == "short."
    assert clip("word " * 300).endswith("…")
    assert len(clip("word " * 300)) <= DESCRIPTION_LIMIT


@pytest.mark.parametrize("spec", list(load_catalog().values()), ids=lambda s: s.id)
def test_first_sentence_of_every_message_stands_alone(spec) -> None:
    """GitHub shows only the first sentence when space is short: it must name the problem."""
    for template in spec.messages.values():
        first = re.split(r"(?<=[.!?])\s", template, maxsplit=1)[0]
        assert len(first.split()) >= 6, first
        assert not re.match(r"(?i)(it|they|see|also)\b", first), first


# --- results -------------------------------------------------------------------------------


def test_result_shape(tmp_path: Path) -> None:
    write(tmp_path, "lib/lib.go", LIB)
    run = sarif(cwd=tmp_path)["runs"][0]
    [result] = run["results"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"] == "RES101"
    assert result["level"] == "error"
    assert result["message"]["text"].startswith("os.Exit exits the process from Die()")
    assert len(result["locations"]) == 1
    assert artifact(result) == {"uri": "lib/lib.go", "uriBaseId": "%SRCROOT%"}
    assert region(result) == {"startLine": 7, "startColumn": 2, "endLine": 7, "endColumn": 12}
    assert set(result["partialFingerprints"]) == {"primaryLocationLineHash", "resilint/v1"}
    assert "suppressions" not in result


def test_columns_count_utf16_code_units(tmp_path: Path) -> None:
    write(tmp_path, "lib/lib.go", WIDE)
    [result] = sarif(cwd=tmp_path)["runs"][0]["results"]
    line = WIDE.splitlines()[5]
    units = line.encode("utf-16-le")
    start, end = region(result)["startColumn"], region(result)["endColumn"]
    assert units[2 * (start - 1) : 2 * (end - 1)].decode("utf-16-le") == "os.Exit(1)"
    # the emoji is one character but two code units: JSON (characters) differs by one
    _, out, _ = invoke("--format", "json", cwd=tmp_path)
    assert json.loads(out)["findings"][0]["column"] == start - 1


def test_uris_are_percent_encoded_and_relative(tmp_path: Path) -> None:
    write(tmp_path, "my pkg/ünï%/lib.go", LIB)
    [result] = sarif(cwd=tmp_path)["runs"][0]["results"]
    assert artifact(result)["uri"] == "my%20pkg/%C3%BCn%C3%AF%25/lib.go"


def test_paths_are_relative_to_the_git_top_level_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # all that marks a work tree's top level
    write(tmp_path, "services/api/lib/lib.go", LIB)
    [result] = sarif(cwd=tmp_path / "services" / "api")["runs"][0]["results"]
    assert artifact(result)["uri"] == "services/api/lib/lib.go"


def test_sarif_root_option(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "services/api/lib/lib.go", LIB)
    api = tmp_path / "services" / "api"
    [result] = sarif("--sarif-root", ".", cwd=api)["runs"][0]["results"]
    assert artifact(result)["uri"] == "lib/lib.go"
    (tmp_path / "other").mkdir()
    code, _, err = invoke("--format", "sarif", "--sarif-root", "../../other", cwd=api)
    assert code == 2
    assert "outside the SARIF root" in err


def test_without_git_the_working_directory_is_the_root(tmp_path: Path) -> None:
    write(tmp_path, "a/lib/lib.go", LIB)
    [result] = sarif(cwd=tmp_path / "a")["runs"][0]["results"]
    assert artifact(result)["uri"] == "lib/lib.go"


def test_category(tmp_path: Path) -> None:
    write(tmp_path, "lib/lib.go", LIB)
    assert sarif("--sarif-category", "backend", cwd=tmp_path)["runs"][0]["automationDetails"] == {
        "id": "backend/"
    }
    assert sarif("--sarif-category", "mono/api/", cwd=tmp_path)["runs"][0]["automationDetails"] == {
        "id": "mono/api/"
    }
    assert "automationDetails" not in sarif("--sarif-category", "", cwd=tmp_path)["runs"][0]


def test_suppressed_findings_omitted_by_default_or_included_with_suppressions(tmp_path: Path) -> None:
    write(tmp_path, "lib/lib.go", SUPPRESSED)
    [loud] = sarif(cwd=tmp_path)["runs"][0]["results"]
    assert region(loud)["startLine"] == 10
    assert "suppressions" not in loud
    results = sarif("--sarif-suppressed", "include", cwd=tmp_path)["runs"][0]["results"]
    assert [(region(r)["startLine"], r["suppressions"]) for r in results] == [
        (6, [{"kind": "inSource", "justification": "the CLI wrapper owns this process"}]),
        (10, []),  # SARIF: present on every result of the run, or on none
    ]


def test_unreadable_and_partially_parsed_files_are_notifications(tmp_path: Path) -> None:
    write(tmp_path, "lib/lib.go", LIB)
    # (only files the byte prefilter lets through are parsed, so this one mentions os.Exit)
    write(tmp_path, "lib/broken.go", 'package lib\n\nimport "os"\n\nfunc Broken( {\n\tos.Exit(1)\n')
    (tmp_path / "lib" / "gone.go").symlink_to(tmp_path / "nowhere.go")
    invocation = sarif(cwd=tmp_path)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notifications = {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n
        for n in invocation["toolExecutionNotifications"]
    }
    assert notifications["lib/gone.go"]["level"] == "error"
    assert "cannot read" in notifications["lib/gone.go"]["message"]["text"]
    assert notifications["lib/broken.go"]["level"] == "warning"
    assert "syntax errors" in notifications["lib/broken.go"]["message"]["text"]


def test_internal_errors_make_the_execution_unsuccessful(tmp_path: Path, monkeypatch) -> None:
    def broken(_ctx):
        raise RuntimeError("boom")

    monkeypatch.setitem(CHECKS, "RES101", dataclasses.replace(CHECKS["RES101"], function=broken))
    write(tmp_path, "lib/lib.go", LIB)
    code, out, _ = invoke("--format", "sarif", "-j", "1", cwd=tmp_path)
    assert code == 2
    invocation = json.loads(out)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["associatedRule"]["id"] == "RES101"
    assert "RuntimeError: boom" in notification["message"]["text"]


def test_no_bom_no_absolute_uris_and_stable_bytes(tmp_path: Path) -> None:
    write(tmp_path, "b/lib.go", LIB)
    write(tmp_path, "a/lib.go", LIB.replace("Die", "Halt"))
    write(tmp_path, "a/wide.go", WIDE)
    invoke("--format", "sarif", "-o", "out.sarif", cwd=tmp_path)
    raw = (tmp_path / "out.sarif").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"file:" not in raw
    assert str(tmp_path).encode() not in raw
    again = invoke("--format", "sarif", "-j", "2", cwd=tmp_path)[1].encode()
    assert raw == again
    uris = [artifact(r)["uri"] for r in json.loads(raw)["runs"][0]["results"]]
    assert uris == sorted(uris) == ["a/lib.go", "a/wide.go", "b/lib.go"]


def test_examples_validate(tmp_path: Path) -> None:
    log = sarif("--sarif-root", "../..", "./...", cwd=EXAMPLES)
    assert log["runs"][0]["results"]
    for result in log["runs"][0]["results"]:
        assert artifact(result)["uri"].startswith("examples/orders/")


# --- primaryLocationLineHash -----------------------------------------------------------------


def line_hashes(data: bytes) -> list[str | None]:
    hashes = LineHashes(data)
    return [hashes.of(line) for line in range(1, len(hashes) + 1)]


def reference_line_hashes(text: str) -> list[str]:
    """The uploader's rolling hash, one character at a time, as src/fingerprints.ts does it."""
    window, starts = [0] * 100, [-1] * 100
    state = {"hash": 0, "index": 0, "line": 0, "line_start": True, "prev_cr": False}
    counts: dict[str, int] = {}
    out: dict[int, str] = {}
    first_mod = pow(37, 100, 1 << 64)

    def emit() -> None:
        value = f"{state['hash']:x}"
        counts[value] = counts.get(value, 0) + 1
        out[starts[state["index"]]] = f"{value}:{counts[value]}"
        starts[state["index"]] = -1

    def update(unit: int) -> None:
        begin, window[state["index"]] = window[state["index"]], unit
        state["hash"] = (37 * state["hash"] + unit - first_mod * begin) % (1 << 64)
        state["index"] = (state["index"] + 1) % 100

    def process(unit: int) -> None:
        if unit in (0x20, 0x09) or (state["prev_cr"] and unit == 0x0A):
            state["prev_cr"] = False
            return
        state["prev_cr"] = unit == 0x0D
        unit = 0x0A if unit == 0x0D else unit
        if starts[state["index"]] != -1:
            emit()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            starts[state["index"]] = state["line"]
        state["line_start"] = unit == 0x0A
        update(unit)

    encoded = text.encode("utf-16-le")
    for i in range(0, len(encoded), 2):
        process(int.from_bytes(encoded[i : i + 2], "little"))
    process(0xFFFF)
    for _ in range(100):
        if starts[state["index"]] != -1:
            emit()
        update(0)
    return [out[line] for line in sorted(out)]


def test_line_hash_known_values() -> None:
    """Values computed by the acceptance tools' independent port of upload-sarif."""
    assert line_hashes(b"package lib\n\nfunc Die() {\n\tos.Exit(1)\n}\n") == [
        "f44712e338d4357f:1",
        "ecf020b64ccb42aa:1",
        "469494531a401028:1",
        "c0d0f33ed5562c24:1",
        "32dce9ccfdbc9d3e:1",
        "c129715d7a2bc9a3:1",
    ]
    assert line_hashes("a\r\nb\n\n/* 中文 😀 */ x\n".encode()) == [
        "53dd057636c2dac9:1",
        "71598d564552f342:1",
        "f0a2043ac2ba1afe:1",
        "cf4a767825c5544c:1",
        "c129715d7a2bc9a3:1",
    ]


def test_identical_lines_are_numbered() -> None:
    hashes = line_hashes(b"x\n" * 300)  # the first lines see the same 100 units ahead
    value = hashes[0].split(":")[0]
    assert hashes[:3] == [f"{value}:1", f"{value}:2", f"{value}:3"]
    assert len(set(hashes)) == len(hashes)


@given(
    st.lists(st.sampled_from(["a", "Z", " ", "\t", "\n", "\r", "\r\n", "😀", "中", "\ufeff"])).map("".join)
)
def test_line_hash_matches_the_uploaders_algorithm(text: str) -> None:
    assert line_hashes(text.encode("utf-8")) == reference_line_hashes(text)


def test_results_carry_the_line_hash_of_their_start_line(tmp_path: Path) -> None:
    path = write(tmp_path, "lib/lib.go", WIDE.replace("\n", "\r\n"))
    [result] = sarif(cwd=tmp_path)["runs"][0]["results"]
    expected = line_hashes(path.read_bytes())[region(result)["startLine"] - 1]
    assert result["partialFingerprints"]["primaryLocationLineHash"] == expected


def test_line_hashes_are_taken_during_the_analysis_not_when_reporting(tmp_path: Path) -> None:
    path = write(tmp_path, "lib/lib.go", WIDE)
    expected = line_hashes(path.read_bytes())
    settings = RunSettings(rules=("RES101",), options=default_options(load_catalog()))
    with chdir(tmp_path):
        result = run(discover(["./..."]), settings)
        path.unlink()  # the reporter must not need the file any more
        [reported] = build_log(result, ReportOptions(load_catalog(), "0", root=tmp_path))["runs"][0][
            "results"
        ]
    assert (
        reported["partialFingerprints"]["primaryLocationLineHash"]
        == expected[region(reported)["startLine"] - 1]
    )
    assert line_hashes(b"x") == [LineHashes(b"x").of(1)] and LineHashes(b"x").of(2) is None


def test_resilint_fingerprint_survives_line_shifts(tmp_path: Path) -> None:
    path = write(tmp_path, "lib/lib.go", LIB)
    [before] = sarif(cwd=tmp_path)["runs"][0]["results"]
    path.write_text(LIB.replace("// Die exits.", "// Die exits.\n//\n// It never returns."), encoding="utf-8")
    [after] = sarif(cwd=tmp_path)["runs"][0]["results"]
    assert region(after)["startLine"] == region(before)["startLine"] + 2
    assert after["partialFingerprints"]["resilint/v1"] == before["partialFingerprints"]["resilint/v1"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_real_git_work_tree(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, "svc/lib/lib.go", LIB)
    [result] = sarif(cwd=tmp_path / "svc")["runs"][0]["results"]
    assert artifact(result)["uri"] == "svc/lib/lib.go"
