"""Hostile shapes cost linear time: every nesting shape at 10,000 levels finishes in seconds
with flat memory, and a file whose analysis would still cost too much degrades (a rule is
skipped on it, with a notice) instead of stalling the run."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golint_resilience.analysis.resolve import ancestors
from golint_resilience.golang.index import FileContext, Package
from golint_resilience.golang.source import SourceFile
from harness import invoke

LEVELS = 10_000
SECONDS = 30  # each shape takes 1-4 s on a loaded 2-core machine; this catches depth², not noise
RSS_MB = 400  # about 100 MB at most; the depth² behaviours took gigabytes

HEAD = 'package p\n\nimport (\n\t"net/http"\n\t"os"\n\t"time"\n)\n\n'
# Something for every rule family to look at, innermost.
INNER = 'os.Exit(1); _ = recover(); _, _ = http.Get("x"); time.Sleep(1)'


def _shape(name: str, n: int) -> str:
    return {
        "defer": f"func H() {{\n{'defer func() {' * n}\n{INNER}\n{'}()' * n}\n}}\n",
        "go": f"func H() {{\n{'go func() {' * n}\n{INNER}\n{'}()' * n}\n}}\n",
        "else-if": f"func H(x bool) {{\n{'if x {} else ' * n}{{\n{INNER}\n}}\n}}\n",
        "if": f"func H(x bool) {{\n{'if x { ' * n}\n{INNER}\n{'}' * n}\n}}\n",
        "blocks": f"func H() {{\n{'{' * n}\n{INNER}\n{'}' * n}\n}}\n",
        "calls": f"func H() {{\n{'f(' * n}os.Exit(1){')' * n}\n{INNER}\n}}\n",
        "selectors": f"func H(x T) {{\n_ = x{'.f' * n}\n{INNER}\n}}\n",
        "method-chain": f"func H(x T) {{\n_ = x{'.f()' * n}\n{INNER}\n}}\n",
        "assertions": f"func H(x any) {{\n_ = x{'.(T)' * n}\n{INNER}\n}}\n",
        "composites": f"func H() {{\n_ = {'[]any{' * n}1{'}' * n}\n{INNER}\n}}\n",
        "func-literals": f"func H() {{\n_ = {'func() any { return ' * n}1{' }()' * n}\n{INNER}\n}}\n",
    }[name]


SHAPES = [
    "defer",
    "go",
    "else-if",
    "if",
    "blocks",
    "calls",
    "selectors",
    "method-chain",
    "assertions",
    "composites",
    "func-literals",
]

# Run in a process of its own, so that its peak memory is its own.
_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from golint_resilience.catalog.specs import load_catalog
    from golint_resilience.golang.discover import discover
    from golint_resilience.engine.pipeline import run
    from golint_resilience.settings import RunSettings, default_options, select_rules

    catalog = load_catalog()
    settings = RunSettings(
        rules=select_rules(catalog, ("ALL",)), options=default_options(catalog), jobs=1
    )
    started = time.monotonic()
    result = run(discover(["./..."]), settings)
    print(json.dumps({
        "seconds": time.monotonic() - started,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "findings": [f.rule_id for f in result.findings],
        "tool_errors": [e.message for e in result.tool_errors],
    }))
    """
)


def _measure(root: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE], cwd=root, capture_output=True, text=True, timeout=300, check=True
    )
    measured: dict[str, object] = json.loads(done.stdout)
    return measured


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
@pytest.mark.parametrize("shape", SHAPES)
def test_ten_thousand_levels_of_every_shape_finish_in_seconds_with_flat_memory(
    tmp_path: Path, shape: str
) -> None:
    (tmp_path / "go.mod").write_text("module example.com/deep\n\ngo 1.22\n", encoding="utf-8")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "deep.go").write_text(HEAD + _shape(shape, LEVELS), encoding="utf-8")
    measured = _measure(tmp_path)
    assert measured["tool_errors"] == []
    assert isinstance(measured["seconds"], float) and measured["seconds"] < SECONDS, measured
    assert isinstance(measured["rss_mb"], float) and measured["rss_mb"] < RSS_MB, measured


_STATEMENTS = {  # wrappers around a statement list
    "defer": ("defer func() {", "}()"),
    "go": ("go func() {", "}()"),
    "if": ("if x {", "}"),
    "else": ("if x {} else {", "}"),
    "block": ("{", "}"),
    "literal": ("func() {", "}()"),
    "for": ("for {", "}"),
    "case": ("switch v := y.(type) { case T: _ = v;", "}"),
}
_EXPRESSIONS = {  # wrappers around an expression
    "call": ("f(", ")"),
    "paren": ("(", ")"),
    "selector": ("", ".f"),
    "method": ("", ".f()"),
    "assertion": ("", ".(T)"),
    "composite": ("[]any{", "}"),
    "not": ("!", ""),
}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(sorted(_STATEMENTS)), max_size=3_000),
    st.lists(st.sampled_from(sorted(_EXPRESSIONS)), max_size=3_000),
)
def test_any_mix_of_nesting_shapes_finishes_in_seconds(statements: list[str], expressions: list[str]) -> None:
    value = "y"
    for name in expressions:
        before, after = _EXPRESSIONS[name]
        value = before + value + after
    body = f"_ = {value}\n{INNER}\n"
    for name in statements:
        before, after = _STATEMENTS[name]
        body = f"{before}\n{body}{after}\n"
    source = HEAD + f"func H(x bool, y any) {{\n{body}}}\n"
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "go.mod").write_text("module example.com/mix\n\ngo 1.22\n", encoding="utf-8")
        (root / "p").mkdir()
        (root / "p" / "mix.go").write_text(source, encoding="utf-8")
        measured = _measure(root)
    assert measured["tool_errors"] == []
    assert isinstance(measured["seconds"], float) and measured["seconds"] < SECONDS, measured


def test_a_file_over_budget_skips_the_rule_there_with_a_notice_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/deep\n\ngo 1.22\n", encoding="utf-8")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "deep.go").write_text(HEAD + _shape("go", 3_000), encoding="utf-8")
    (tmp_path / "p" / "plain.go").write_text(
        'package p\n\nimport "net/http"\n\nfunc Plain(_ http.ResponseWriter, r *http.Request) {\n'
        "\tgo func() { println(r.Method) }()\n}\n",
        encoding="utf-8",
    )
    code, out, err = invoke(
        "--isolated", "--no-cache", "--select", "RES201", "--format", "json", cwd=tmp_path
    )
    assert code == 1, err
    document = json.loads(out)
    assert document["errors"] == [
        {
            "path": "p/deep.go",
            "message": "RES201 skipped: the analysis of this file exceeded its budget "
            "(pathologically nested code)",
        }
    ]
    assert [(f["path"], f["line"]) for f in document["findings"]] == [("p/plain.go", 6)]


def test_parents_from_descents_and_from_the_whole_walk_match_tree_sitter() -> None:
    """A few questions are answered by descents; many make the lineage walk the whole tree."""
    data = b"package p\n\nfunc H() {\n" + b"f(g(" * 40 + b"leaf" + b"))" * 40 + b"\n}\n"
    file = SourceFile(Path("p.go"), "p.go", data)
    context = FileContext(file, Package(Path(), "p", [file], None))
    leaves = []
    stack = [file.root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if not node.children:
            leaves.append(node)
    for leaf in leaves:  # every leaf: far more than one walk's worth of descents
        expected = []
        parent = leaf.parent
        while parent is not None:
            expected.append(parent.id)
            parent = parent.parent
        assert [a.id for a in ancestors(leaf, context)] == expected
