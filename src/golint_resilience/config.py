"""Configuration: `.resilint.toml` or `[tool.resilint]` in pyproject.toml, merged with the CLI.

The file is found by walking up from the first path argument (`.resilint.toml` wins over
a pyproject.toml in the same directory; a pyproject.toml without `[tool.resilint]` is
passed over). Every key is validated: all problems are reported at once, each naming the
file, the key and, for a typo, the closest valid name. Command-line flags replace the
file's value of the same key; `extend-select` adds to it. Paths and globs in the file are
relative to the file's directory. docs/configuration.md documents every key.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli

from golint_resilience.analysis.roles import ROLES, RoleConfig, RoleSelection
from golint_resilience.catalog.specs import RuleSpec, scalar_option_value
from golint_resilience.golang.globs import compile_globs
from golint_resilience.model import ResilintError, Severity
from golint_resilience.settings import (
    RunSettings,
    closest,
    default_options,
    expand_selectors,
    select_rules,
    shown,
)

CONFIG_FILE = ".resilint.toml"
PYPROJECT = "pyproject.toml"
EXTEND = "extend-"  # `extend-recover-helpers = [...]` adds to the default of `recover-helpers`
MAX_FILE_BYTES = 4 * 1024 * 1024  # far above any real configuration; a bigger file is a mistake
_LONGEST_KEY_SHOWN = 100
EXIT_RULE, ALLOW_EXIT_IN = "RES101", "allow-exit-in"  # a path option: matched like per-path-ignores

Options = dict[str, dict[str, tuple[str, ...]]]


class ConfigError(ResilintError):
    """One or more problems in a configuration file, one per line."""


@dataclass(frozen=True)
class ConfigValues:
    """Values of a configuration file or of the command line; None: not given there."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    exclude: tuple[str, ...] | None = None
    respect_gitignore: bool | None = None
    include_tests: bool | None = None
    include_generated: bool | None = None
    fail_on: Severity | None = None
    require_reason: bool | None = None
    warn_unused_ignores: bool | None = None
    baseline: Path | None = None
    options: Options = field(default_factory=dict)  # rule → knob → value, only those set
    include_roles: tuple[str, ...] | None = None
    all_roles: bool | None = None
    roles: tuple[tuple[str, str], ...] | None = None  # `[roles]`: glob → role

    def overridden_by(self, other: ConfigValues) -> ConfigValues:
        """These settings with every value `other` gives; `extend-select` lists are joined."""
        changes: dict[str, Any] = {
            f.name: getattr(other, f.name)
            for f in fields(self)
            if getattr(other, f.name) is not None and f.name not in {"extend_select", "options"}
        }
        changes["extend_select"] = self.extend_select + other.extend_select
        changes["options"] = {**self.options, **other.options}
        return replace(self, **changes)


@dataclass(frozen=True)
class Configuration:
    """The effective configuration of a run: defaults, then the file, then the CLI."""

    source: Path | None  # the configuration file, None without one
    root: Path  # what relative globs and paths are relative to
    rules: tuple[str, ...]
    options: Options
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...]  # glob → rule ids
    exclude: tuple[str, ...]
    respect_gitignore: bool
    include_tests: bool
    include_generated: bool
    fail_on: Severity
    require_reason: bool
    baseline: Path | None
    warnings: tuple[str, ...] = ()  # about files passed over on the way to this one
    include_roles: tuple[str, ...] = ()
    all_roles: bool = False
    roles: tuple[tuple[str, str], ...] = ()  # `[roles]` overrides: glob (relative to root) → role

    @property
    def path_ignores(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """`per-path-ignores`, and RES101's `allow-exit-in` (globs relative to `root` too)."""
        allowed = self.options.get(EXIT_RULE, {}).get(ALLOW_EXIT_IN, ())
        return self.per_path_ignores + tuple((glob, (EXIT_RULE,)) for glob in allowed)

    def run_settings(self, jobs: int) -> RunSettings:
        """What the engine needs of it."""
        return RunSettings(
            rules=self.rules,
            options=self.options,
            include_tests=self.include_tests,
            include_generated=self.include_generated,
            jobs=jobs,
            fail_on=self.fail_on,
            require_reason=self.require_reason,
            roles=RoleSelection(
                frozenset(self.include_roles), self.all_roles, RoleConfig(self.roles, str(self.root))
            ),
        )


# --- finding and reading the file ------------------------------------------------------


def find_config(start: Path, warnings: list[str] | None = None) -> Path | None:
    """The nearest `.resilint.toml`, or pyproject.toml with `[tool.resilint]`, at or above start.

    A pyproject.toml that cannot be read or parsed belongs to some other tool as far as we
    can tell: it is passed over, with a line in `warnings`.
    """
    directory = Path(start).absolute()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if not pyproject.is_file():
            continue
        try:
            tool = _read_toml(pyproject).get("tool")
        except ConfigError as exc:
            if warnings is not None:
                warnings.append(f"{exc} (passed over)")
            continue
        if isinstance(tool, dict) and "resilint" in tool:
            return pyproject
    return None


def start_of(patterns: Iterable[str]) -> Path:
    """Where the search for a configuration file starts: the first pattern's directory."""
    first = next(iter(patterns), ".")
    if first == "..." or first.endswith("/..."):
        first = first[: -len("...")] or "."
    return Path(first)


def _shown(path: Path) -> str:
    """A configuration file's path in messages: relative when below the working directory."""
    absolute = Path(os.path.abspath(path))
    return absolute.relative_to(Path.cwd()).as_posix() if absolute.is_relative_to(Path.cwd()) else str(path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            msg = f"{_shown(path)}: larger than {MAX_FILE_BYTES // 2**20} MiB, not a configuration file"
            raise ConfigError(msg)
        return tomli.loads(data.decode("utf-8"))
    except OSError as exc:
        msg = f"{_shown(path)}: cannot read: {exc.strerror or exc}"
        raise ConfigError(msg) from exc
    except (tomli.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"{_shown(path)}: invalid TOML: {exc}"
        raise ConfigError(msg) from exc
    except RecursionError as exc:
        msg = f"{_shown(path)}: invalid TOML: arrays or tables nested too deeply"
        raise ConfigError(msg) from exc


def _table(value: Any, key: str) -> dict[str, Any]:
    """`value` if it is a TOML table, else ConfigError naming the key."""
    if isinstance(value, dict):
        return value
    msg = f"key '{key}': expected a table, got {_kind(value)}"
    raise ConfigError(msg)


def load_config(path: Path, catalog: Mapping[str, RuleSpec]) -> ConfigValues:
    """Read and validate a configuration file; every problem is reported at once."""
    data = _read_toml(path)
    prefix = ""
    if path.name == PYPROJECT:
        try:
            data = _table(_table(data.get("tool", {}), "tool").get("resilint", {}), "tool.resilint")
        except ConfigError as exc:
            raise ConfigError(f"{_shown(path)}: {exc}") from exc
        prefix = "tool.resilint."
    reader = _Reader(path, prefix, catalog)
    settings = reader.read(data)
    if reader.problems:
        raise ConfigError("\n".join(f"{_shown(path)}: {problem}" for problem in reader.problems))
    return settings


def _kind(value: Any) -> str:
    """How TOML would call a value, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {shown(value, quote=json.dumps)}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "an array" if all(isinstance(v, str) for v in value) else "an array with non-strings"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class _Reader:
    """Validates a configuration table key by key, collecting problems."""

    def __init__(self, path: Path, prefix: str, catalog: Mapping[str, RuleSpec]) -> None:
        self.path = path
        self.prefix = prefix
        self.catalog = catalog
        self.problems: list[str] = []

    def _problem(self, key: str, text: str) -> None:
        full = self.prefix + key
        if len(full) > _LONGEST_KEY_SHOWN:
            full = f"{full[:_LONGEST_KEY_SHOWN]}… ({len(full)} characters)"
        self.problems.append(f"key '{full}': {text}")

    def _bool(self, data: Mapping[str, Any], key: str) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self._problem(key, f"expected true or false, got {_kind(value)}")
        return None

    def _strings(self, value: Any, key: str) -> tuple[str, ...] | None:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self._problem(key, f'expected an array of strings (["…"]), got {_kind(value)}')
        return None

    def _selectors(self, value: Any, key: str) -> tuple[str, ...] | None:
        selectors = self._strings(value, key)
        if selectors is None:
            return None
        try:
            expand_selectors(selectors, self.catalog, f"key '{self.prefix}{key}'")
        except ResilintError as exc:
            self.problems.append(str(exc))
            return None
        return selectors

    def read(self, data: Mapping[str, Any]) -> ConfigValues:
        for key in data:
            if key not in _KEYS:
                self._problem(key, f"unknown key{closest(key, _KEYS) or ' (see docs/configuration.md)'}")
        fail_on = data.get("fail-on")
        severities = [s.value for s in Severity]
        if fail_on is not None and fail_on not in severities:
            expected = ", ".join(json.dumps(s) for s in severities)
            self._problem("fail-on", f"expected one of {expected}, got {_kind(fail_on)}")
            fail_on = None
        baseline = data.get("baseline")
        if baseline is not None and not isinstance(baseline, str):
            self._problem("baseline", f"expected a path string, got {_kind(baseline)}")
            baseline = None
        return ConfigValues(
            select=self._optional(data, "select", self._selectors),
            ignore=self._optional(data, "ignore", self._selectors),
            extend_select=self._optional(data, "extend-select", self._selectors) or (),
            per_path_ignores=self._per_path_ignores(data.get("per-path-ignores")),
            exclude=self._optional(data, "exclude", self._strings),
            respect_gitignore=self._bool(data, "respect-gitignore"),
            include_tests=self._bool(data, "include-tests"),
            include_generated=self._bool(data, "include-generated"),
            fail_on=Severity(fail_on) if fail_on is not None else None,
            require_reason=self._bool(data, "require-reason"),
            warn_unused_ignores=self._bool(data, "warn-unused-ignores"),
            baseline=self.path.parent / baseline if baseline is not None else None,
            options=self._rules(data.get("rules")),
            include_roles=self._optional(data, "include-roles", self._roles),
            all_roles=self._bool(data, "all-roles"),
            roles=self._role_overrides(data.get("roles")),
        )

    def _roles(self, value: Any, key: str) -> tuple[str, ...] | None:
        names = self._strings(value, key)
        if names is None:
            return None
        for name in names:
            if name not in ROLES:
                self._problem(key, f"unknown role {shown(name)}{closest(name, ROLES) or _ROLE_LIST}")
        return tuple(n for n in names if n in ROLES)

    def _role_overrides(self, table: Any) -> tuple[tuple[str, str], ...] | None:
        if table is None:
            return None
        if not isinstance(table, dict):
            self._problem("roles", f'expected a table ("glob" = "role"), got {_kind(table)}')
            return None
        found = []
        for glob, role in table.items():
            key = f"roles.{json.dumps(glob)}"
            if not isinstance(role, str):
                self._problem(key, f"expected a role name string, got {_kind(role)}")
            elif role not in ROLES:
                self._problem(key, f"unknown role {shown(role)}{closest(role, ROLES) or _ROLE_LIST}")
            else:
                try:
                    compile_globs((glob,))
                except ResilintError as exc:
                    self._problem(key, str(exc))
                    continue
                found.append((glob, role))
        return tuple(found)

    def _optional(
        self, data: Mapping[str, Any], key: str, read: Callable[[Any, str], tuple[str, ...] | None]
    ) -> tuple[str, ...] | None:
        value = data.get(key)
        return None if value is None else read(value, key)

    def _per_path_ignores(self, table: Any) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
        if table is None:
            return None
        if not isinstance(table, dict):
            self._problem("per-path-ignores", f'expected a table ("glob" = ["RES101"]), got {_kind(table)}')
            return None
        found = []
        for glob, value in table.items():
            selectors = self._selectors(value, f"per-path-ignores.{json.dumps(glob)}")
            if selectors is not None:
                found.append((glob, selectors))
        return tuple(found)

    def _rules(self, table: Any) -> Options:
        if table is None:
            return {}
        if not isinstance(table, dict):
            self._problem("rules", f"expected a table of rule tables ([rules.RES201]), got {_kind(table)}")
            return {}
        options: Options = {}
        by_name = {spec.name: rule_id for rule_id, spec in self.catalog.items()}
        for rule_id, knobs in table.items():
            key = f"rules.{rule_id}"
            spec = self.catalog.get(rule_id)
            if spec is None:
                hint = (
                    f"; rules are keyed by id: did you mean {by_name[rule_id]!r}?"
                    if rule_id in by_name
                    else ""
                )
                self._problem(key, f"unknown rule{hint or closest(rule_id.upper(), self.catalog)}")
                continue
            if not isinstance(knobs, dict):
                self._problem(key, f"expected a table of options, got {_kind(knobs)}")
                continue
            options[rule_id] = self._knobs(spec, knobs, key)
        return options

    def _knobs(self, spec: RuleSpec, knobs: Mapping[str, Any], key: str) -> dict[str, tuple[str, ...]]:
        valid = [*spec.options, *(EXTEND + name for name, option in spec.options.items() if option.is_list)]
        values: dict[str, tuple[str, ...]] = {}
        for knob, value in knobs.items():
            if knob not in valid:
                if not spec.options:
                    self._problem(f"{key}.{knob}", f"{spec.id} has no options")
                else:
                    listed = ", ".join(spec.options)
                    hint = closest(knob, valid) or f"; {spec.id} has: {listed}"
                    self._problem(f"{key}.{knob}", f"unknown option{hint}")
                continue
            option = spec.options.get(knob)
            strings = (
                self._strings(value, f"{key}.{knob}")
                if option is None or option.is_list
                else self._scalar(option.kind, value, f"{key}.{knob}")
            )
            if strings is not None:
                values[knob] = strings
        return values

    def _scalar(self, kind: str, value: Any, key: str) -> tuple[str, ...] | None:
        found = scalar_option_value(kind, value)
        if found is not None:
            return (found,)
        expected = _SCALAR_EXPECTED[kind]
        self._problem(key, f"expected {expected}, got {_kind(value)}")
        return None


_SCALAR_EXPECTED = {
    "integer": "a whole number from 0 on",
    "duration": 'a Go duration such as "10s", "1m30s" or "500ms"',
}


_KEYS = (
    "select",
    "ignore",
    "extend-select",
    "per-path-ignores",
    "exclude",
    "respect-gitignore",
    "include-tests",
    "include-generated",
    "fail-on",
    "require-reason",
    "warn-unused-ignores",
    "baseline",
    "rules",
    "include-roles",
    "all-roles",
    "roles",
)
_ROLE_LIST = f" (roles: {', '.join(ROLES)})"


# --- the effective configuration -------------------------------------------------------


def effective_options(catalog: Mapping[str, RuleSpec], given: Options) -> Options:
    """Rule knobs: the default, replaced by `knob = [...]`, extended by `extend-knob = [...]`."""
    options = default_options(catalog)
    for rule_id, knobs in given.items():
        for name in options[rule_id]:
            base = knobs.get(name, options[rule_id][name])
            options[rule_id][name] = tuple(dict.fromkeys(base + knobs.get(EXTEND + name, ())))
    return options


def resolve(
    catalog: Mapping[str, RuleSpec], file: ConfigValues, cli: ConfigValues, source: Path | None
) -> Configuration:
    """Defaults, overridden by the file's settings, overridden by the command line's."""
    merged = file.overridden_by(cli)
    extend = merged.extend_select + (("RES901",) if merged.warn_unused_ignores else ())
    rules = select_rules(catalog, merged.select or (), merged.ignore or (), extend)
    per_path = tuple(
        (glob, tuple(sorted(expand_selectors(selectors, catalog, f"per-path-ignores {glob!r}"))))
        for glob, selectors in merged.per_path_ignores or ()
    )
    return Configuration(
        source=source,
        root=source.parent.absolute() if source is not None else Path.cwd(),
        rules=rules,
        options=effective_options(catalog, merged.options),
        per_path_ignores=per_path,
        exclude=merged.exclude or (),
        respect_gitignore=merged.respect_gitignore is not False,
        include_tests=bool(merged.include_tests),
        include_generated=bool(merged.include_generated),
        fail_on=merged.fail_on or Severity.WARNING,
        require_reason=bool(merged.require_reason),
        baseline=merged.baseline,
        include_roles=merged.include_roles or (),
        all_roles=bool(merged.all_roles),
        roles=merged.roles or (),
    )


def configure(
    catalog: Mapping[str, RuleSpec],
    patterns: Iterable[str],
    cli: ConfigValues,
    *,
    config_file: Path | None = None,
    isolated: bool = False,
) -> Configuration:
    """The run's configuration: `--config FILE`, else the file found from the first pattern."""
    warnings: list[str] = []
    source = None if isolated else config_file or find_config(start_of(patterns), warnings)
    file = load_config(source, catalog) if source is not None else ConfigValues()
    return replace(resolve(catalog, file, cli, source), warnings=tuple(warnings))


# --- `resilint config` ---------------------------------------------------------------------


def _toml(value: str | bool | tuple[str, ...]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"


def _option_toml(catalog: Mapping[str, RuleSpec], rule_id: str, name: str, value: tuple[str, ...]) -> str:
    """A list option as an array; an integer as a number, a duration as a string."""
    kind = catalog[rule_id].options[name].kind
    if kind == "integer":
        return value[0]
    return _toml(value[0] if kind == "duration" else value)


def render(configuration: Configuration, catalog: Mapping[str, RuleSpec]) -> str:
    """The effective configuration as a `.resilint.toml` that reproduces it."""
    origin = configuration.source or "no configuration file"
    lines = [
        f"# Effective configuration: defaults, {origin}, then command-line flags.",
        f"# Globs are relative to {configuration.root}.",
        f"select = {_toml(configuration.rules)}",
        f"fail-on = {_toml(configuration.fail_on.value)}",
        f"include-tests = {_toml(configuration.include_tests)}",
        f"include-generated = {_toml(configuration.include_generated)}",
        f"require-reason = {_toml(configuration.require_reason)}",
        f"respect-gitignore = {_toml(configuration.respect_gitignore)}",
        f"exclude = {_toml(configuration.exclude)}",
        f"include-roles = {_toml(configuration.include_roles)}",
        f"all-roles = {_toml(configuration.all_roles)}",
    ]
    if configuration.baseline is not None:
        lines.append(f"baseline = {_toml(str(configuration.baseline))}")
    lines += ["", "[per-path-ignores]"]
    lines += [f"{_toml(glob)} = {_toml(rules)}" for glob, rules in configuration.per_path_ignores]
    lines += ["", "[roles]"]
    lines += [f"{_toml(glob)} = {_toml(role)}" for glob, role in configuration.roles]
    for rule_id, knobs in configuration.options.items():
        if knobs:
            lines += ["", f"[rules.{rule_id}]"]
            lines += [f"{n} = {_option_toml(catalog, rule_id, n, value)}" for n, value in knobs.items()]
    return "\n".join(lines) + "\n"
