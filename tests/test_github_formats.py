"""`--format github` (workflow commands) and `--format markdown` (step summary)."""

from __future__ import annotations

from pathlib import Path

from golint_resilience.report.github import command, escape_data, escape_property
from golint_resilience.report.markdown import escape
from harness import invoke

LIB = """package lib

import "os"

func Die() {
	os.Exit(1)
}

func Quiet() {
	os.Exit(2) //resilint:ignore RES101 wrapper
}
"""


def write_lib(root: Path, relative: str = "lib/lib.go") -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LIB, encoding="utf-8")


def test_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert escape_property("%3A") == "%253A"  # '%' first: no double meaning


def test_a_message_cannot_inject_a_command() -> None:
    line = command("warning", "x\n::stop-commands::token", file="a,b.go", title="T: 1")
    assert "\n" not in line
    assert line == "::warning file=a%2Cb.go,title=T%3A 1::x%0A::stop-commands::token"


def test_annotations_for_findings(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write_lib(tmp_path, "svc/lib/lib.go")
    code, out, _ = invoke("--format", "github", cwd=tmp_path / "svc")
    assert code == 1
    [line] = out.splitlines()  # the suppressed finding is not annotated
    assert line.startswith(
        "::error file=svc/lib/lib.go,line=6,col=2,endLine=6,endColumn=12,"
        "title=RES101 exit-outside-main::os.Exit exits the process from Die()"
    )


def test_notes_become_notices_and_file_problems_warnings(tmp_path: Path) -> None:
    write_lib(tmp_path)
    (tmp_path / "lib" / "gone.go").symlink_to(tmp_path / "missing.go")
    _, out, _ = invoke("--format", "github", cwd=tmp_path)
    assert "::warning title=resilint::lib/gone.go%3A cannot read" not in out  # data keeps ':'
    assert "::warning title=resilint::lib/gone.go: cannot read" in out


def test_markdown_escapes_source_text() -> None:
    assert escape("a|b *c* <script> `x` [l](u)") == r"a\|b \*c\* \<script\> \`x\` \[l\](u)"
    assert escape("line\nbreak") == r"line\\x0abreak"  # shown, not obeyed


def test_markdown_summary(tmp_path: Path) -> None:
    write_lib(tmp_path)
    code, out, _ = invoke("--format", "markdown", cwd=tmp_path)
    assert code == 1
    assert out.startswith("## resilint: 1 finding in 1 file\n")
    assert "1 finding suppressed inline." in out
    assert "| RES101 | exit-outside-main | error | 1 |" in out
    assert "| lib/lib.go:6:2 | RES101 | os.Exit exits the process from Die\\(\\)" not in out
    assert "| lib/lib.go:6:2 | RES101 | os.Exit exits the process from Die()" in out


def test_markdown_when_clean(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "ok.go").write_text("package lib\n", encoding="utf-8")
    code, out, _ = invoke("--format", "markdown", cwd=tmp_path)
    assert code == 0
    assert out == "## resilint: no findings in 1 file\n"
