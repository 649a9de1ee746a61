"""Baselines (`--write-baseline`, `--baseline`) and `--new-from-rev` through the installed CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import invoke
from test_config import git, init_repo

BEFORE = """package lib

import "os"

func Die() {
	os.Exit(1)
}

func Quit() {
	os.Exit(1)
}
"""


def write(root: Path, source: str) -> None:
    (root / "lib").mkdir(exist_ok=True)
    (root / "lib" / "lib.go").write_text(source, encoding="utf-8")


def reported(root: Path, *args: str) -> list[tuple[str, int]]:
    code, out, err = invoke("--format", "json", *args, cwd=root)
    assert code in {0, 1}, err
    document = json.loads(out)
    assert code == (1 if document["findings"] else 0)
    return [(f["path"], f["line"]) for f in document["findings"]]


@pytest.fixture
def adopted(tmp_path: Path) -> Path:
    write(tmp_path, BEFORE)
    code, out, err = invoke("--write-baseline", "baseline.json", cwd=tmp_path)
    assert code == 0
    assert "resilint: recorded 2 findings in baseline.json" in err
    assert "No findings in 1 file (2 known to the baseline)." in out
    return tmp_path


def test_baseline_file_is_sorted_reviewable_json(adopted: Path) -> None:
    document = json.loads((adopted / "baseline.json").read_text(encoding="utf-8"))
    assert document["tool"] == "resilint"
    assert document["version"] == 1
    entries = document["findings"]
    assert [sorted(e) for e in entries] == [["fingerprint", "message", "path", "rule"]] * 2
    assert entries == sorted(entries, key=lambda e: (e["path"], e["rule"], e["message"], e["fingerprint"]))
    first = (adopted / "baseline.json").read_bytes()
    invoke("--write-baseline", "baseline.json", cwd=adopted)
    assert (adopted / "baseline.json").read_bytes() == first  # deterministic


def test_known_findings_are_left_out_of_every_format(adopted: Path) -> None:
    assert reported(adopted, "--baseline", "baseline.json") == []
    code, out, _ = invoke("--format", "sarif", "--baseline", "baseline.json", cwd=adopted)
    assert code == 0
    assert json.loads(out)["runs"][0]["results"] == []
    code, out, _ = invoke("--baseline", "baseline.json", cwd=adopted)
    assert (code, out.strip()) == (0, "No findings in 1 file (2 known to the baseline).")


def test_matching_survives_line_shifts(adopted: Path) -> None:
    shifted = BEFORE.replace('import "os"\n', 'import (\n\t"fmt"\n\t"os"\n)\n\n// Die exits.\n')
    shifted = shifted.replace("func Die() {\n", 'func Die() {\n\tfmt.Println("bye")\n\n')
    write(adopted, shifted)
    assert reported(adopted, "--baseline", "baseline.json") == []


def test_a_second_identical_finding_in_the_same_function_is_new(adopted: Path) -> None:
    write(
        adopted, BEFORE.replace("func Die() {\n\tos.Exit(1)\n", "func Die() {\n\tos.Exit(1)\n\tos.Exit(1)\n")
    )
    assert len(reported(adopted, "--baseline", "baseline.json")) == 1


def test_an_identical_finding_in_a_new_function_is_new(adopted: Path) -> None:
    write(adopted, BEFORE.replace("func Die() {", "func Early() {\n\tos.Exit(1)\n}\n\nfunc Die() {"))
    assert reported(adopted, "--baseline", "baseline.json") == [("lib/lib.go", 6)]


def test_a_fixed_finding_leaves_the_others_hidden(adopted: Path) -> None:
    write(adopted, BEFORE.replace("func Die() {\n\tos.Exit(1)\n", "func Die() {\n"))
    assert reported(adopted, "--baseline", "baseline.json") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline missing.json: cannot read"),
        ("{", "baseline missing.json: not JSON"),
        ('{"findings": {}}', "baseline missing.json: not a resilint baseline of version 1"),
    ],
)
def test_bad_baseline_files_exit_2(tmp_path: Path, content: str | None, message: str) -> None:
    write(tmp_path, BEFORE)
    if content is not None:
        (tmp_path / "missing.json").write_text(content, encoding="utf-8")
    code, _, err = invoke("--baseline", "missing.json", cwd=tmp_path)
    assert code == 2
    assert message in err


# --- --new-from-rev ----------------------------------------------------------------------


def committed_repo(root: Path) -> Path:
    """A git repository whose one commit holds lib/lib.go = BEFORE."""
    init_repo(root)
    write(root, BEFORE)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_repo(tmp_path)


def test_new_from_rev_reports_only_changed_lines(repo: Path) -> None:
    assert len(reported(repo)) == 2
    assert reported(repo, "--new-from-rev", "HEAD") == []
    write(
        repo,
        BEFORE.replace("func Die() {", "// Die ends it all.\nfunc Die() {")
        + "\nfunc New() {\n\tos.Exit(3)\n}\n",
    )
    assert reported(repo, "--new-from-rev", "HEAD") == [("lib/lib.go", 15)]
    git(repo, "commit", "-q", "-am", "second")
    assert reported(repo, "--new-from-rev", "HEAD~1") == [("lib/lib.go", 15)]
    assert reported(repo, "--new-from-rev", "HEAD") == []


def test_new_from_rev_counts_untracked_files_as_new(repo: Path) -> None:
    (repo / "extra").mkdir()
    (repo / "extra" / "x.go").write_text(BEFORE.replace("package lib", "package extra"), encoding="utf-8")
    assert reported(repo, "--new-from-rev", "HEAD") == [("extra/x.go", 6), ("extra/x.go", 10)]


def test_new_from_rev_from_a_subdirectory(repo: Path) -> None:
    write(repo, BEFORE.replace("os.Exit(1)\n}\n\nfunc Quit", "os.Exit(2)\n}\n\nfunc Quit"))
    assert reported(repo / "lib", ".", "--new-from-rev", "HEAD") == [("lib.go", 6)]


def test_new_from_rev_errors(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    code, _, err = invoke("--new-from-rev", "no-such-rev", cwd=repo)
    assert code == 2
    assert "--new-from-rev no-such-rev: " in err
    assert "no-such-rev" in err.split(": ", 2)[-1]
    outside = tmp_path_factory.mktemp("plain")
    write(outside, BEFORE)
    code, _, err = invoke("--new-from-rev", "HEAD", cwd=outside)
    assert code == 2
    assert "is not inside a git repository" in err


# --- paths do not depend on the working directory ---------------------------------------


def _repository(root: Path) -> Path:
    """A repository with findings in svc/lib, configured at its top level."""
    (root / ".git").mkdir(parents=True)
    (root / "svc").mkdir()
    write(root / "svc", BEFORE)
    (root / ".resilint.toml").write_text('baseline = "resilint-baseline.json"\n', encoding="utf-8")
    return root


def test_a_baseline_written_at_the_root_matches_in_a_subdirectory(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    assert invoke("--write-baseline", "resilint-baseline.json", "./...", cwd=root)[0] == 0
    recorded = json.loads((root / "resilint-baseline.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in recorded["findings"]} == {"svc/lib/lib.go"}
    assert reported(root / "svc") == []
    assert reported(root / "svc" / "lib") == []


def test_a_baseline_written_in_a_subdirectory_matches_at_the_root(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    assert invoke("--write-baseline", "../resilint-baseline.json", "./...", cwd=root / "svc")[0] == 0
    assert reported(root) == []


def test_a_baseline_that_matches_nothing_warns(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    assert invoke("--write-baseline", "resilint-baseline.json", "./...", cwd=root)[0] == 0
    (root / "svc" / "lib" / "lib.go").write_text(
        BEFORE.replace("Die", "Halt").replace("Quit", "Stop"), "utf-8"
    )
    code, _, err = invoke("./...", cwd=root)
    assert code == 1
    assert err.startswith(f"resilint: warning: baseline {root / 'resilint-baseline.json'} matches none of")
    assert err.endswith(" the 2 findings (written for other files or rules?)\n")


def test_allow_exit_in_is_relative_to_the_configuration_file(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    (root / ".resilint.toml").write_text('[rules.RES101]\nallow-exit-in = ["svc/lib/*"]\n', encoding="utf-8")
    assert reported(root) == []
    assert reported(root / "svc") == []
    assert reported(root / "svc" / "lib") == []
