"""The published JSON Schemas (docs/schemas/) agree with what resilint writes and reads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli

from golint_resilience import config
from golint_resilience.catalog.specs import load_catalog
from harness import invoke

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "docs" / "schemas"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)

LIB = """package lib

import "os"

func Die() {
	os.Exit(1)
}

func Quiet() {
	os.Exit(2) //resilint:ignore RES101 wrapper
}
"""


def _schema(name: str) -> dict[str, Any]:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_the_json_report_validates(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.go").write_text(LIB, encoding="utf-8")
    (tmp_path / "lib" / "gone.go").symlink_to(tmp_path / "nowhere.go")  # a file error
    code, out, _ = invoke("--format", "json", cwd=tmp_path)
    report = json.loads(out)
    jsonschema.validate(report, _schema("report.schema.json"))
    assert code == 1
    assert [f["suppressed"] for f in report["findings"]] == [False, True]
    assert [e["path"] for e in report["errors"]] == ["lib/gone.go"]


def test_the_report_schema_rejects_what_the_report_never_has() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"tool": "resilint", "version": "1", "findings": [{}], "errors": []},
            _schema("report.schema.json"),
        )


def _documented_configurations() -> list[tuple[str, str]]:
    """Every TOML block of the docs, as (file name, text): a .resilint.toml or a pyproject.toml."""
    found = []
    for page in DOCS:
        for block in _TOML_BLOCK.findall(page.read_text(encoding="utf-8")):
            found.append((config.PYPROJECT if "[tool.resilint" in block else config.CONFIG_FILE, block))
    return found


def test_the_documented_configurations_validate(tmp_path: Path) -> None:
    schema = _schema("resilint-config.schema.json")
    documented = _documented_configurations()
    assert documented  # docs/configuration.md has the annotated example
    for name, text in documented:
        data = tomli.loads(text)
        jsonschema.validate(data.get("tool", {}).get("resilint", data), schema)
        (tmp_path / name).write_text(text, encoding="utf-8")
        config.load_config(tmp_path / name, load_catalog())  # resilint accepts it too


def test_the_config_schema_has_exactly_the_keys_config_py_accepts() -> None:
    schema = _schema("resilint-config.schema.json")
    assert set(schema["properties"]) == set(config._KEYS)


def test_the_config_schema_has_exactly_the_rule_options() -> None:
    rules = _schema("resilint-config.schema.json")["properties"]["rules"]["properties"]
    expected = {
        spec.id: {
            *spec.options,
            *(config.EXTEND + name for name, option in spec.options.items() if option.is_list),
        }
        for spec in load_catalog().values()
        if spec.options
    }
    assert {rule_id: set(table["properties"]) for rule_id, table in rules.items()} == expected


@pytest.mark.parametrize(
    "text",
    [
        'selct = ["RES1"]',
        'include-tests = "yes"',
        'fail-on = "fatal"',
        '[rules.RES201]\nrecover-helper = ["x.Y"]',
        '[rules.RES301]\nanything = ["x"]',  # RES301 has no options
        "[rules.RES601]\nmax-fixed-delay-attempts = -1",
        '[rules.RES601]\nmin-fixed-delay = "10 seconds"',
        '[rules.RES601]\nextend-min-fixed-delay = ["1s"]',  # a duration has nothing to extend
    ],
)
def test_the_config_schema_rejects_what_config_py_rejects(text: str, tmp_path: Path) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(tomli.loads(text), _schema("resilint-config.schema.json"))
    (tmp_path / ".resilint.toml").write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError):
        config.load_config(tmp_path / ".resilint.toml", load_catalog())
