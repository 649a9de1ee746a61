"""`resilint rules`: a table for people, a JSON list for scripts (fields in docs/usage.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

from rich.table import Table

from golint_resilience.catalog.specs import RuleSpec
from golint_resilience.registry import implemented


def record(spec: RuleSpec) -> dict[str, Any]:
    """One rule as `rules --format json` prints it; the keys are a documented, stable contract."""
    return {
        "id": spec.id,
        "name": spec.name,
        "summary": spec.summary,
        "severity": spec.severity.value,
        "enabled_by_default": spec.enabled_by_default,
        "implemented": implemented(spec.id),
        "precision": spec.precision,
        "tags": list(spec.tags),
        "options": {name: list(option.default) for name, option in spec.options.items()},
    }


def write_json(catalog: Mapping[str, RuleSpec], stream: TextIO) -> None:
    """Every rule, in id order, as a JSON array."""
    json.dump([record(spec) for spec in catalog.values()], stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def table(catalog: Mapping[str, RuleSpec]) -> Table:
    """The rule table; ids and names never wrap (only the summary may, on a narrow terminal)."""
    table = Table(title="resilint rules")
    for column in ("id", "name", "default", "severity", "status"):
        table.add_column(column, no_wrap=True)
    table.add_column("summary", overflow="fold")
    for spec in catalog.values():
        table.add_row(
            spec.id,
            spec.name,
            "on" if spec.enabled_by_default else "off",
            spec.severity.value,
            "implemented" if implemented(spec.id) else "not implemented yet",
            spec.summary,
        )
    return table
