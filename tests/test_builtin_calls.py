"""Calls of `new` and `make` that tree-sitter-go rejects (Go 1.26 `new(expr)`, a local `make`)
are read as plain calls: valid Go is not announced as partially parsed."""

from __future__ import annotations

import json
from pathlib import Path

from golint_resilience.analysis.builtin_calls import with_plain_builtin_calls
from harness import invoke

NEW_EXPRESSIONS = b"""package p

import "os"

type T struct{ A int }

func f() int { return 1 }

func Values() []any {
	make := func(n int) int { return n }
	return []any{new(42), new(int64(3)), new(T{A: 1}), new(f()), new("x" + "y"), make(1 - 1)}
}

func Die() {
	_ = new(len("a)")) // a parenthesis in a string does not end the call
	os.Exit(1)
}
"""

TYPES = b"""package p

func Types(n int) {
	_, _, _ = new(int), new([]int), new(map[string]struct{ A int })
	_, _ = new(*int), new(<-chan int)
	_ = make([]int, n)
}
"""


def test_new_of_an_expression_parses_and_keeps_its_findings(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.26\n", encoding="utf-8")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "p.go").write_bytes(NEW_EXPRESSIONS)
    code, out, err = invoke("--isolated", "--no-cache", "--format", "json", "./...", cwd=tmp_path)
    assert code == 1, err
    document = json.loads(out)
    assert document["errors"] == []  # not "syntax errors: analysed where the tree is sound"
    assert [(f["rule"], f["line"]) for f in document["findings"]] == [("RES101", 16)]


def test_only_calls_the_grammar_rejects_are_renamed_and_offsets_stay_put() -> None:
    assert with_plain_builtin_calls(TYPES) is None
    renamed = with_plain_builtin_calls(NEW_EXPRESSIONS)
    assert renamed is not None and len(renamed) == len(NEW_EXPRESSIONS)
    assert renamed.count(b"neW(") == 6 and renamed.count(b"makE(") == 1
    assert b"make := func" in renamed  # only the call's name changes
