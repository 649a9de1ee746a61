"""The wheel ships every rule file, and the fixtures and example are valid, gofmt-clean Go."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from golint_resilience.catalog.specs import load_catalog
from harness import go_tool

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_every_rule_file(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    rule_files = sorted(p.name for p in (ROOT / "rules").glob("*.toml"))
    assert len(rule_files) == len(load_catalog())
    for name in rule_files:
        assert f"golint_resilience/rules/{name}" in names


def test_go_sources_are_gofmt_clean() -> None:
    targets = [str(ROOT / "tests" / "fixtures"), str(ROOT / "tests" / "fixes"), str(ROOT / "examples")]
    result = subprocess.run(
        [go_tool("gofmt"), "-l", "-e", *targets], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", f"not gofmt-clean:\n{result.stdout}"
