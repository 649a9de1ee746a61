"""Golden tests of every fix: tests/fixes/<case>/before is fixed in a copy and must equal after.

Each case has a case.toml: `select` (rules), `unsafe` (--unsafe-fixes), `crlf` / `bom`
(the copy is converted before fixing; the result must be the golden with the same line
endings and BOM). The `// want` markers of `after/` are the findings that must remain.
The fixed copies must be gofmt-clean and pass `go vet` (standard library only, offline),
and a second `--fix` must change nothing. RESILINT_UPDATE_GOLDENS=1 rewrites after/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomli

from golint_resilience.catalog.specs import load_catalog
from harness import go_tool, invoke, lint_directory, mismatches

CASES = Path(__file__).parent / "fixes"
BOM = b"\xef\xbb\xbf"
UPDATE = os.environ.get("RESILINT_UPDATE_GOLDENS") == "1"


@dataclass(frozen=True)
class Case:
    name: str
    select: tuple[str, ...]
    unsafe: bool
    crlf: bool
    bom: bool

    @property
    def flags(self) -> list[str]:
        return ["--isolated", "--no-cache", "--select", ",".join(self.select)] + (
            ["--unsafe-fixes"] if self.unsafe else []
        )

    def encode(self, data: bytes) -> bytes:
        """The golden's bytes as this case's files are written (CRLF, BOM)."""
        if self.crlf:
            data = data.replace(b"\n", b"\r\n")
        return BOM + data if self.bom else data


def _case(directory: Path) -> Case:
    config = tomli.loads((directory / "case.toml").read_text(encoding="utf-8"))
    return Case(
        directory.name,
        tuple(config["select"]),
        config.get("unsafe", False),
        config.get("crlf", False),
        config.get("bom", False),
    )


ALL = [_case(d) for d in sorted(CASES.iterdir()) if (d / "case.toml").is_file()]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.go"))}


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One module holding every case's fixed copy (one package tree per case)."""
    root = tmp_path_factory.mktemp("fixes")
    (root / "go.mod").write_text("module example.com/fixes\n\ngo 1.22\n", encoding="utf-8")
    for case in ALL:
        shutil.copytree(CASES / case.name / "before", root / case.name)
        for path in (root / case.name).rglob("*.go"):
            path.write_bytes(case.encode(path.read_bytes()))
        code, _, err = invoke("--fix", *case.flags, "./...", cwd=root / case.name)
        assert code in {0, 1}, err
        if UPDATE:
            after = CASES / case.name / "after"
            shutil.rmtree(after, ignore_errors=True)
            shutil.copytree(root / case.name, after)
            for path in after.rglob("*.go"):
                path.write_bytes(path.read_bytes().removeprefix(BOM).replace(b"\r\n", b"\n"))
    return root


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_fix_gives_the_golden(case: Case, fixed: Path) -> None:
    golden = {name: case.encode(data) for name, data in _files(CASES / case.name / "after").items()}
    assert _files(fixed / case.name) == golden


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_a_second_fix_changes_nothing(case: Case, fixed: Path) -> None:
    code, out, err = invoke("--diff", *case.flags, "./...", cwd=fixed / case.name)
    assert (code, out) == (0, ""), err
    assert "would fix 0 findings" in err


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_only_the_unfixable_findings_remain(case: Case, fixed: Path) -> None:
    findings = lint_directory(fixed / case.name, case.select)
    assert mismatches(case.name, findings, root=fixed) == []


def test_fixed_code_is_gofmt_clean(fixed: Path) -> None:
    targets = [str(fixed / c.name) for c in ALL if not (c.crlf or c.bom)]  # gofmt rewrites CRLF and BOM
    result = subprocess.run([go_tool("gofmt"), "-l", *targets], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_fixed_code_passes_go_vet(fixed: Path) -> None:
    environment = os.environ | {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local"}
    command = [go_tool("go"), "vet", "./..."]
    result = subprocess.run(command, cwd=fixed, env=environment, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rules_with_fixes_are_the_rules_whose_docs_describe_one() -> None:
    fixed = {rule for case in ALL for rule in case.select}
    described = {
        s.id for s in load_catalog().values() if s.docs.autofix and not s.docs.autofix.startswith("None.")
    }
    assert described == fixed


@pytest.mark.parametrize(
    ("rule", "phrase"), [("RES403", "Safe."), ("RES405", "a statement of its own"), ("RES102", "None.")]
)
def test_explain_shows_the_automatic_fix(rule: str, phrase: str) -> None:
    code, out, _ = invoke("explain", rule, cwd=CASES)
    assert code == 0
    assert "Automatic fix" in out
    assert phrase in " ".join(out.split())
