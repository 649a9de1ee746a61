"""Load `rules/*.toml`, the single source of truth for every rule's metadata and docs."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli  # tomllib's upstream, compiled: every run parses the rule catalog, 3x faster with it

from golint_resilience.analysis.roles import PRODUCTION_ROLES, ROLES
from golint_resilience.catalog.durations import parse_duration
from golint_resilience.model import ResilintError, Severity

RULE_ID = re.compile(r"^RES[1-9]\d\d$")
RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PRECISIONS = ("very-high", "high", "medium", "low")
TAGS = frozenset(
    {
        "reliability",
        "security",
        "process-exit",
        "panics",
        "goroutines",
        "timeouts",
        "net/http",
        "signals",
        "shutdown",
        "probes",
        "retries",
        "supervision",
        "exposure",
        "suppressions",
        "deployment",
    }
)
EXAMPLE_KINDS = ("bad", "good")
# Another linter's check for the same problem: `gosec:G108`, `revive:deep-exit`, or a
# single-purpose linter as a whole (`noctx`).
EQUIVALENT = re.compile(r"^[a-z][a-z0-9]*(:[A-Za-z0-9][A-Za-z0-9-]*)?$")


@dataclass(frozen=True, slots=True)
class Example:
    """A complete Go file from a rule's docs; the test suite lints every one."""

    kind: str  # "bad" (must be flagged) or "good" (must stay clean)
    title: str
    code: str
    path: str = "example.go"  # where the test suite writes the Go file
    files: tuple[tuple[str, str], ...] = ()  # deployment files beside it: (path, text)


OPTION_KINDS = ("list", "integer", "duration")


@dataclass(frozen=True, slots=True)
class Option:
    """A rule knob with its documented default.

    Every value is held as a tuple of strings: a list option's items, or the one value of
    a scalar option (`("3",)` for an integer, `("10s",)` for a Go duration), checked when
    it is read (rules/, configuration files) so that checks can convert it without error.
    """

    name: str
    default: tuple[str, ...]
    doc: str
    kind: str = "list"  # one of OPTION_KINDS

    @property
    def is_list(self) -> bool:
        """Can `extend-<name>` add to it?"""
        return self.kind == "list"


@dataclass(frozen=True, slots=True)
class Docs:
    """The sections every rule page has, in this order."""

    what: str
    why: str
    allowed: str
    fix: str
    autofix: str  # what `--fix` does for the rule and when (or why it does not): "" if nothing
    limitations: str
    references: tuple[str, ...]
    roles: str = ""  # why `applies-to` leaves some production roles out ("" when it has them all)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """Everything resilint knows about one rule, from its TOML file."""

    id: str
    name: str
    summary: str
    severity: Severity
    enabled_by_default: bool
    precision: str
    tags: tuple[str, ...]
    security_severity: str | None  # CVSS-like score "0.1".."10.0"; only on security-tagged rules
    messages: dict[str, str]  # variant name → template; "default" always present
    options: dict[str, Option]
    equivalents: tuple[str, ...]  # other linters' checks whose suppressions silence this rule too
    docs: Docs
    examples: tuple[Example, ...]
    source: str  # the rule file's name, for error messages
    applies_to: tuple[str, ...] = PRODUCTION_ROLES  # code roles reported by default (roles.py)

    def message(self, variant: str = "default", **values: str) -> str:
        """Render one of the rule's message templates."""
        return self.messages[variant].format(**values)


def _require(data: dict[str, Any], key: str, kind: type, origin: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        msg = f"{origin}: key {key!r} must be a {kind.__name__}"
        raise ResilintError(msg)
    return value


def _str_list(value: Any, origin: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{origin}: key {key!r} must be a list of strings"
        raise ResilintError(msg)
    return tuple(value)


def _security_severity(data: dict[str, Any], tags: tuple[str, ...], origin: str) -> str | None:
    """GitHub treats a rule with a security-severity as a security query: only `security` rules have one."""
    value = data.get("security-severity")
    if "security" not in tags:
        if value is not None:
            msg = f"{origin}: security-severity is only for rules tagged 'security'"
            raise ResilintError(msg)
        return None
    try:
        score = float(value) if isinstance(value, str) else -1.0
    except ValueError:
        score = -1.0
    if not 0.0 < score <= 10.0:
        msg = f"{origin}: rules tagged 'security' need security-severity, a string score from 0.1 to 10.0"
        raise ResilintError(msg)
    return str(value)


def scalar_option_value(kind: str, value: Any) -> str | None:
    """A scalar option's value as held in Options, or None when it is not of its kind.

    An integer is a TOML integer from 0 on; a duration is a Go duration string.
    """
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if kind == "duration" and isinstance(value, str) and parse_duration(value) is not None:
        return value
    return None


def _option(key: str, table: dict[str, Any], origin: str) -> Option:
    kind = str(table.get("type", "list"))
    if kind not in OPTION_KINDS:
        msg = f"{origin}: option {key!r}: type must be one of {', '.join(OPTION_KINDS)}"
        raise ResilintError(msg)
    if kind == "list":
        default = _str_list(table.get("default"), origin, key)
    else:
        value = scalar_option_value(kind, table.get("default"))
        if value is None:
            msg = f"{origin}: option {key!r}: the default must be a {kind}"
            raise ResilintError(msg)
        default = (value,)
    return Option(key, default, str(table.get("doc", "")), kind)


def parse_rule(data: dict[str, Any], origin: str) -> RuleSpec:
    """Validate one rule file's table and build its RuleSpec."""
    rule_id = _require(data, "id", str, origin)
    name = _require(data, "name", str, origin)
    if not RULE_ID.match(rule_id) or not RULE_NAME.match(name):
        msg = f"{origin}: bad id {rule_id!r} or name {name!r}"
        raise ResilintError(msg)
    if origin != f"{rule_id}-{name}.toml":
        msg = f"{origin}: the file must be named {rule_id}-{name}.toml"
        raise ResilintError(msg)
    try:
        severity = Severity(_require(data, "severity", str, origin))
    except ValueError:
        msg = f"{origin}: severity must be one of error, warning, note"
        raise ResilintError(msg) from None
    precision = _require(data, "precision", str, origin)
    if precision not in PRECISIONS:
        msg = f"{origin}: precision must be one of {', '.join(PRECISIONS)}"
        raise ResilintError(msg)
    tags = _str_list(data.get("tags"), origin, "tags")
    if unknown := set(tags) - TAGS:
        msg = f"{origin}: unknown tags {sorted(unknown)}"
        raise ResilintError(msg)
    security_severity = _security_severity(data, tags, origin)
    messages = {"default": _require(data, "message", str, origin)}
    for variant, template in data.get("messages", {}).items():
        messages[variant] = str(template)
    options = {key: _option(key, table, origin) for key, table in data.get("options", {}).items()}
    equivalents = _str_list(data.get("equivalents", []), origin, "equivalents")
    if malformed := [e for e in equivalents if not EQUIVALENT.match(e)]:
        msg = f"{origin}: equivalents must read 'linter' or 'linter:check', not {malformed}"
        raise ResilintError(msg)
    docs_table = _require(data, "docs", dict, origin)
    docs = Docs(
        what=_require(docs_table, "what", str, origin).strip(),
        why=_require(docs_table, "why", str, origin).strip(),
        allowed=str(docs_table.get("allowed", "")).strip(),
        fix=_require(docs_table, "fix", str, origin).strip(),
        autofix=str(docs_table.get("autofix", "")).strip(),
        limitations=str(docs_table.get("limitations", "")).strip(),
        references=_str_list(docs_table.get("references", []), origin, "docs.references"),
        roles=str(docs_table.get("roles", "")).strip(),
    )
    examples = []
    for example in data.get("examples", []):
        kind = _require(example, "kind", str, origin)
        if kind not in EXAMPLE_KINDS:
            msg = f"{origin}: example kind must be 'bad' or 'good'"
            raise ResilintError(msg)
        files = example.get("files", {})
        if not isinstance(files, dict) or not all(isinstance(text, str) for text in files.values()):
            msg = f"{origin}: example files must map paths to their text"
            raise ResilintError(msg)
        examples.append(
            Example(
                kind,
                str(example.get("title", "")),
                example["code"],
                str(example.get("path", "example.go")),
                tuple(sorted(files.items())),
            )
        )
    applies_to = _str_list(data.get("applies-to", list(PRODUCTION_ROLES)), origin, "applies-to")
    if unknown_roles := set(applies_to) - set(ROLES):
        msg = f"{origin}: unknown roles in applies-to: {sorted(unknown_roles)} (roles: {', '.join(ROLES)})"
        raise ResilintError(msg)
    if (left_out := sorted(set(PRODUCTION_ROLES) - set(applies_to))) and not docs.roles:
        msg = f"{origin}: an applies-to without {', '.join(left_out)} needs docs.roles saying why"
        raise ResilintError(msg)
    return RuleSpec(
        id=rule_id,
        name=name,
        summary=_require(data, "summary", str, origin),
        severity=severity,
        enabled_by_default=_require(data, "default", str, origin) == "on",
        precision=precision,
        tags=tags,
        security_severity=security_severity,
        messages=messages,
        options=options,
        equivalents=equivalents,
        docs=docs,
        examples=tuple(examples),
        source=origin,
        applies_to=tuple(r for r in ROLES if r in applies_to),
    )


def _rules_dir() -> Path:
    """The rules shipped in the wheel (beside the package's modules), or `rules/` of a source checkout.

    Found from this file, not with importlib.resources (whose import costs every run ~5 ms):
    resilint is installed as files, never run from a zip.
    """
    shipped = Path(__file__).resolve().parents[1] / "rules"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[3] / "rules"


@functools.cache
def load_catalog() -> dict[str, RuleSpec]:
    """Every rule, keyed and ordered by id; a malformed file is a fatal error naming it."""
    rules: dict[str, RuleSpec] = {}
    for entry in sorted(_rules_dir().iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        try:
            data = tomli.loads(entry.read_text(encoding="utf-8"))
        except tomli.TOMLDecodeError as exc:
            msg = f"rules/{entry.name}: {exc}"
            raise ResilintError(msg) from exc
        spec = parse_rule(data, entry.name)
        if spec.id in rules:
            msg = f"rules/{entry.name}: duplicate rule id {spec.id}"
            raise ResilintError(msg)
        rules[spec.id] = spec
    return dict(sorted(rules.items()))
