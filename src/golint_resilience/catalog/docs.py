"""Render a rule's documentation from its RuleSpec: one text for every place it appears.

The same Markdown is shown by `resilint explain`, embedded in SARIF `help.markdown`, and
written to `docs/rules/RESxxx.md` (a test fails when those files are out of date).
"""

from __future__ import annotations

from pathlib import Path

from golint_resilience.analysis.roles import CLI
from golint_resilience.catalog.specs import RuleSpec, load_catalog

GENERATED_BANNER = (
    "<!-- Generated from rules/{source} by `python -m golint_resilience.catalog.docs`. Do not edit. -->"
)


def _status(spec: RuleSpec) -> str:
    state = "on by default" if spec.enabled_by_default else "off by default (add it with `--extend-select`)"
    tags = ", ".join(spec.tags)
    return f"Severity: **{spec.severity.value}** · {state} · precision: {spec.precision} · tags: {tags}"


def _option_lines(spec: RuleSpec) -> list[str]:
    if not spec.options:
        return ["None."]
    lines = []
    for option in spec.options.values():
        default = ", ".join(f"`{v}`" for v in option.default) or "empty"
        kind = "" if option.is_list else f"{'an integer' if option.kind == 'integer' else 'a Go duration'}, "
        lines.append(f"- `{option.name}` ({kind}default: {default}): {option.doc}")
    lists = [name for name, option in spec.options.items() if option.is_list]
    how = (
        f"`{lists[0]} = [...]` replaces the default, `extend-{lists[0]} = [...]` adds to it"
        if lists
        else f"`{next(iter(spec.options))} = …` replaces the default"
    )
    lines += [
        "",
        f"Set them in `.resilint.toml` under `[rules.{spec.id}]` (in pyproject.toml: "
        f"`[tool.resilint.rules.{spec.id}]`): {how}. See docs/configuration.md.",
    ]
    return lines


def _language(path: str) -> str:
    if path.endswith((".yaml", ".yml")):
        return "yaml"
    if path.endswith(".service"):
        return "ini"
    return "dockerfile" if "Dockerfile" in path or "Containerfile" in path else "sh"


def _example_file(path: str, text: str, language: str) -> list[str]:
    """A code block, headed by the file's path when the example has several files."""
    heading = [f"`{path}`:", ""] if path != "example.go" else []
    return [*heading, f"```{language}", text.strip("\n"), "```", ""]


def suppression_hint(spec: RuleSpec) -> str:
    """How to silence one finding of the rule, in the comment syntax of the files it flags."""
    if "deployment" in spec.tags:
        return (
            f"Add `# resilint:ignore {spec.id} <reason>` alone on the line above the flagged line "
            f"(in YAML also at its end), or `# resilint:ignore-file {spec.id} <reason>` in the "
            f"file's leading comments."
        )
    hint = (
        f"Add `//resilint:ignore {spec.id} <reason>` at the end of the flagged line or alone on the "
        f"line above it, `//resilint:ignore-file {spec.id} <reason>` in the file header, or "
        f"`//nolint:{spec.id}`."
    )
    if spec.equivalents:
        spellings = ", ".join(_equivalent_spellings(spec.equivalents))
        hint += f" Other linters' suppressions for the same problem count too: {spellings}."
    return hint


def _equivalent_spellings(equivalents: tuple[str, ...]) -> list[str]:
    """How the other linters' directives that silence a rule are written."""
    pairs = [equivalent.partition(":")[::2] for equivalent in equivalents]
    nosec = [f"`#nosec {name}`" for linter, name in pairs if linter == "gosec" and name]
    return nosec + list(dict.fromkeys(f"`//nolint:{linter} // <reason>`" for linter, _ in pairs))


def where_it_applies(spec: RuleSpec) -> str:
    """The roles of code the rule reports by default, and how to report the others."""
    roles = ", ".join(f"`{role}`" for role in spec.applies_to)
    text = (
        f"Reported by default in packages of the roles {roles}. Test support, examples and"
        " development tools are left out, like `_test.go` files, unless named on the command"
        " line or asked for with `--include-roles` (or `--all-roles`); `resilint roles` shows"
        " each package's role and why."
    )
    if CLI not in spec.applies_to:
        text += (
            f" Not in command-line tools (a `main` that starts no server): {spec.docs.roles[:1].lower()}"
            f"{spec.docs.roles[1:]} `--include-roles cli` reports it there too."
        )
    return text


def render_markdown(spec: RuleSpec) -> str:
    """The rule's full documentation page."""
    docs = spec.docs
    parts = [
        f"# {spec.id} {spec.name}",
        "",
        spec.summary + ".",
        "",
        _status(spec),
        "",
        "## What it flags",
        "",
        docs.what,
        "",
        "## Why it matters",
        "",
        docs.why,
        "",
    ]
    if docs.allowed:
        parts += ["## What it leaves alone", "", docs.allowed, ""]
    if "deployment" not in spec.tags:  # deployment rules read manifests, not Go packages
        parts += ["## Where it applies", "", where_it_applies(spec), ""]
    parts += ["## How to fix it", "", docs.fix, ""]
    if docs.autofix:
        parts += ["## Automatic fix", "", docs.autofix, ""]
    for example in spec.examples:
        label = "Flagged" if example.kind == "bad" else "Not flagged"
        title = f": {example.title}" if example.title else ""
        parts += [f"### {label}{title}", "", *_example_file(example.path, example.code, "go")]
        for path, text in example.files:
            parts += _example_file(path, text, _language(path))
    parts += ["## Options", "", *_option_lines(spec), ""]
    if docs.limitations:
        parts += ["## Limitations", "", docs.limitations, ""]
    parts += [
        "## Suppressing it",
        "",
        suppression_hint(spec) + f" Disable the rule with `--ignore {spec.id}`, for some paths with "
        f"`per-path-ignores`, or adopt it on existing code with a baseline (`--write-baseline`).",
        "",
    ]
    if docs.references:
        parts += ["## References", "", *(f"- <{ref}>" for ref in docs.references), ""]
    return "\n".join(parts)


def render_page(spec: RuleSpec) -> str:
    """The docs/rules/ page: the banner, then the documentation."""
    return GENERATED_BANNER.format(source=spec.source) + "\n\n" + render_markdown(spec)


def main() -> None:
    """Regenerate docs/rules/ from rules/ (run from the repository root)."""
    out = Path("docs/rules")
    out.mkdir(parents=True, exist_ok=True)
    for spec in load_catalog().values():
        (out / f"{spec.id}.md").write_text(render_page(spec), encoding="utf-8")


if __name__ == "__main__":
    main()
