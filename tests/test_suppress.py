"""Inline suppressions: every spelling, file-wide directives, require-reason, RES901."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golint_resilience.filtering.suppress import Scope, parse_directive, scan
from harness import invoke


def lib(body: str, header: str = "") -> str:
    return f'{header}package lib\n\nimport "os"\n\nfunc Die() {{\n{body}\n}}\n'


def findings(root: Path, *args: str) -> list[dict[str, object]]:
    code, out, err = invoke("--format", "json", *args, cwd=root)
    assert code in {0, 1}, err
    return list(json.loads(out)["findings"])


def lint(tmp_path: Path, source: str, *args: str) -> list[dict[str, object]]:
    (tmp_path / "lib").mkdir(exist_ok=True)
    (tmp_path / "lib" / "lib.go").write_text(source, encoding="utf-8")
    return findings(tmp_path, "--select", "RES1", *args)


SILENCED = [
    ("\tos.Exit(1) //resilint:ignore RES101 the CLI wants it", "the CLI wants it"),
    ("\t//resilint:ignore RES101 alone above\n\tos.Exit(1)", "alone above"),
    ("\tos.Exit(1) //resilint:ignore RES1 by prefix", "by prefix"),
    ("\tos.Exit(1) // resilint:ignore RES202,RES101 a list", "a list"),
    ("\tos.Exit(1) //resilint:ignore res101 lower case", "lower case"),
    ("\tos.Exit(1) //resilint:ignore exit-outside-main by name", "by name"),
    ("\tos.Exit(1) //resilint:ignore exit-after-defer,exit-outside-main names", "names"),
    ("\tos.Exit(1) //nolint", ""),
    ("\tos.Exit(1) //nolint:resilint // golangci style", "golangci style"),
    ("\tos.Exit(1) //nolint:RES101", ""),
    ("\tos.Exit(1) //nolint:errcheck,RES101 // mixed", "mixed"),
    ("\t//nolint:RES101\n\tos.Exit(1)", ""),
    # Another linter's directive for the same problem (revive's deep-exit), with a reason.
    ("\tos.Exit(1) //nolint:revive // the CLI exits by design", "the CLI exits by design"),
    ("\tos.Exit(1) //nolint:errcheck,revive // reviewed", "reviewed"),
    ("\t//nolint:revive // alone above\n\tos.Exit(1)", "alone above"),
]
NOT_SILENCED = [
    "\tos.Exit(1) //nolint:errcheck",
    "\tos.Exit(1) //nolint:errcheck,gosec // other linters",
    "\tos.Exit(1) //resilint:ignore RES102 another rule",
    "\tos.Exit(1) //resilint:ignore exit-after-defer another rule by name",
    "\tos.Exit(1) //resilint:ignore",
    "\t//resilint:ignore RES101 two lines above\n\n\tos.Exit(1)",
    "\tos.Exit(1)\n\t//resilint:ignore RES101 below",
    "\tos.Exit(1) //nolint:revive",  # no reason: it may be there for another revive rule
    "\tos.Exit(1) //nolint:gocritic // gocritic's exitAfterDefer is RES102, not this",
    "\tos.Exit(1) // #nosec G108 -- gosec has no check for exits",
    "\tos.Exit(1) // #nosec -- bare, but no gosec check is about exits",
]


@pytest.mark.parametrize(("body", "reason"), SILENCED, ids=[s[0].strip()[:40] for s in SILENCED])
def test_spellings_that_silence(tmp_path: Path, body: str, reason: str) -> None:
    [finding] = lint(tmp_path, lib(body))
    assert finding["rule"] == "RES101"
    assert finding["suppressed"] is True
    code, out, _ = invoke("--select", "RES1", cwd=tmp_path)
    assert code == 0
    assert "No findings in 1 file (1 suppressed inline)." in out
    assert "os.Exit" not in out  # text output shows the count only


@pytest.mark.parametrize("body", NOT_SILENCED, ids=[s.strip()[:40] for s in NOT_SILENCED])
def test_spellings_that_do_not_silence(tmp_path: Path, body: str) -> None:
    [finding] = lint(tmp_path, lib(body))
    assert finding["suppressed"] is False


@pytest.mark.parametrize(
    "header",
    [
        "// Copyright 2024 Example.\n\n//resilint:ignore-file RES101 legacy code, being rewritten\n",
        "//nolint:RES101 // whole file\n",
    ],
)
def test_file_wide_directives(tmp_path: Path, header: str) -> None:
    source = lib("\tos.Exit(1)\n\tos.Exit(2)", header=header)
    assert [f["suppressed"] for f in lint(tmp_path, source)] == [True, True]


def test_ignore_file_after_imports_is_still_in_the_header(tmp_path: Path) -> None:
    source = lib("\tos.Exit(1)").replace("func Die", "//resilint:ignore-file RES1 generated-like\n\nfunc Die")
    [finding] = lint(tmp_path, source)
    assert finding["suppressed"] is True


def test_ignore_file_below_a_declaration_is_misplaced(tmp_path: Path) -> None:
    source = lib("\tos.Exit(1)") + "\n//resilint:ignore-file RES101 too late\n"
    result = lint(tmp_path, source, "--warn-unused-ignores")
    assert [(f["rule"], f["suppressed"]) for f in result] == [("RES101", False), ("RES901", False)]
    assert "stands below the file's first declaration" in str(result[1]["message"])


def test_require_reason(tmp_path: Path) -> None:
    (tmp_path / ".resilint.toml").write_text("require-reason = true\n", encoding="utf-8")
    source = lib("\tos.Exit(1) //nolint:RES101\n\tos.Exit(2) //resilint:ignore RES101 reviewed in #12")
    result = lint(tmp_path, source)
    assert [(f["rule"], f["line"], f["suppressed"]) for f in result] == [
        ("RES101", 6, False),  # no reason: does not silence…
        ("RES901", 6, False),  # …and is reported, whatever the selection
        ("RES101", 7, True),
    ]
    assert "gives no reason and require-reason is set" in str(result[1]["message"])


def test_unused_suppressions_are_reported_with_warn_unused_ignores(tmp_path: Path) -> None:
    source = lib(
        "\tos.Exit(1) //resilint:ignore RES101 used\n"
        "\t_ = 1      //resilint:ignore RES101 stale\n"
        "\t_ = 2      //resilint:ignore RES999 typo\n"
        "\t_ = 3      //resilint:ignore RES201 not selected in this run\n"
        "\t_ = 4      //nolint\n"
        "\t_ = 5      //nolint:errcheck"
    )
    assert [f["rule"] for f in lint(tmp_path, source)] == ["RES101"]  # RES901 is off by default
    result = lint(tmp_path, source, "--warn-unused-ignores")
    unused = [(f["line"], f["column"], f["message"]) for f in result if f["rule"] == "RES901"]
    assert [(line, column) for line, column, _ in unused] == [(7, 13), (8, 13)]
    assert "//resilint:ignore RES101 stale silences nothing" in str(unused[0][2])
    assert "names no resilint rule (RES999)" in str(unused[1][2])
    assert lint(tmp_path, source, "--select", "RES901", "--select", "RES1") == result


def test_unused_file_wide_directive(tmp_path: Path) -> None:
    source = lib("\t_ = 1", header="//resilint:ignore-file RES101 nothing here\n")
    [finding] = lint(tmp_path, source, "--warn-unused-ignores")
    assert (finding["rule"], finding["line"]) == ("RES901", 1)


def test_scan_scopes() -> None:
    text = (
        "//nolint:RES1 // file\npackage p\n\n//resilint:ignore-file RES2 header\n"
        "func f() {\n\tg() //nolint\n\t//resilint:ignore RES3 next\n\th()\n}\n"
        "//resilint:ignore-file RES4 late\n"
    )
    placed = scan("p.go", text.encode())
    assert [(d.line, d.scope) for d in placed] == [
        (1, Scope.FILE),
        (4, Scope.FILE),
        (6, Scope.LINE),
        (7, Scope.NEXT_LINE),
        (10, Scope.MISPLACED),
    ]
    assert placed[2].comment == "//nolint"
    assert scan("p.go", b"package p\n") == []


def test_parse_directive_reasons() -> None:
    assert parse_directive("x() //nolint:RES101 // why not") is not None
    directive = parse_directive("x() //nolint:RES101 // why not")
    assert directive is not None
    assert (directive.selectors, directive.reason, directive.column) == (("RES101",), "why not", 5)
    resilint = parse_directive("//nolint:resilint")
    assert resilint is not None
    assert resilint.covers("RES701")
    assert parse_directive("//nolint:golint") is None


def test_parse_equivalent_directives() -> None:
    nosec = parse_directive("srv := &http.Server{} // #nosec G112 G114 -- behind a proxy")
    assert nosec is not None
    assert (nosec.selectors, nosec.reason, nosec.equivalent, nosec.column) == (
        ("RES304",),
        "behind a proxy",
        True,
        23,
    )
    unexplained = parse_directive("http.ListenAndServe(a, nil) //#nosec G114")
    assert unexplained is not None  # gosec's own check id is precise: no justification needed
    assert unexplained.selectors == ("RES304",)
    assert parse_directive("x() // #nosec") is None  # every gosec check, and no justification
    bare = parse_directive("x() // #nosec -- reviewed")
    assert bare is not None
    assert bare.selectors == ("RES304", "RES701")
    gosec = parse_directive('_ "net/http/pprof" //nolint:gosec // only served with --pprof-addr')
    assert gosec is not None
    assert (gosec.selectors, gosec.golangci, gosec.equivalent) == (("RES304", "RES701"), True, True)
    assert parse_directive('_ "net/http/pprof" //nolint:gosec') is None  # nolintlint wants a reason
    noctx = parse_directive("http.Get(u) //nolint:noctx,bodyclose // a one-off fetch at startup")
    assert noctx is not None
    assert noctx.selectors == ("RES301",)
    revive = parse_directive("x() //nolint:revive // why")
    assert revive is not None
    assert revive.selectors == ("RES101", "RES204")


SERVER = """package srv

import (
	"net/http"
	"os"
)

func Serve(h http.Handler) error {
	srv := &http.Server{Handler: h} // #nosec G112 -- behind a proxy that enforces timeouts
	if srv == nil {
		os.Exit(1) //nolint:gosec,gocritic // nothing to silence here
	}
	return http.ListenAndServe(":80", h) //#nosec G114
}
"""


@pytest.mark.parametrize("flags", [("--warn-unused-ignores",), ("--warn-unused-ignores", "--require-reason")])
def test_equivalents_silence_and_are_never_reported(tmp_path: Path, flags: tuple[str, ...]) -> None:
    (tmp_path / "srv").mkdir()
    (tmp_path / "srv" / "srv.go").write_text(SERVER, encoding="utf-8")
    if "--require-reason" in flags:
        (tmp_path / ".resilint.toml").write_text("require-reason = true\n", encoding="utf-8")
        flags = flags[:1]
    result = findings(tmp_path, "--select", "RES101,RES304", *flags)
    assert [(f["rule"], f["line"], f["suppressed"]) for f in result] == [
        ("RES304", 9, True),
        ("RES101", 11, False),  # neither gosec nor gocritic has a check for exits outside main
        ("RES304", 13, True),  # gosec's own id needs no justification, whatever require-reason says
    ]
