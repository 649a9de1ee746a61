"""Hostile input: one bad file never crashes a run, loses another file's finding, or
reaches the terminal as markup or escape codes.

The hostile tree is built here at test time (no binary blobs in the repository).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import json
import marshal
import os
import pickle
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golint_resilience.analysis.resolve import ancestors
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.engine import cache as cache_module
from golint_resilience.engine import queries
from golint_resilience.engine.pipeline import run
from golint_resilience.filtering import newfromrev
from golint_resilience.golang.discover import discover
from golint_resilience.golang.index import FileContext, Package
from golint_resilience.golang.scan import package_name
from golint_resilience.golang.source import SourceFile
from golint_resilience.knowledge.exit_calls import EXIT_CALLS
from golint_resilience.model import Finding
from golint_resilience.registry import CHECKS, Check
from golint_resilience.settings import RunSettings, default_options, select_rules
from harness import FIXTURES, chdir, invoke

GO_MOD = "module example.com/hostile\n\ngo 1.22\n"
EXIT = 'package {pkg}\n\nimport "os"\n\nfunc {name}() {{\n\tos.Exit(1)\n}}\n'
DEPTH = 20_000
ODD_NAME = "odd name 100% #1 é.go"
# Source text that would be markup or terminal control if shown raw: rich markup, an
# OSC 8 hyperlink, a screen clear, a bell and a carriage return that would overwrite.
HOSTILE_TEXT = "\x1b[2J\x07[bold]x[/bold] [link=https://e.x]y[/link]\x1b]8;;https://e.x\x07\r!"

# name → (bytes, what the run says about it: "" nothing, else a phrase of its warning)
HOSTILE_FILES: dict[str, tuple[bytes, str]] = {
    "latin1.go": (b'package hostile\n\n// caf\xe9 cr\xe8me\nimport "os"\n\nfunc A() { os.Exit(1) }\n', ""),
    "bom.go": (b"\xef\xbb\xbfpackage hostile\n\nfunc B() {}\n", ""),
    "crlf.go": (b'package hostile\r\n\r\nimport "os"\r\n\r\nfunc C() {\r\n\tos.Exit(1)\r\n}\r\n', ""),
    "nul.go": (b'package hostile\n\nimport "os"\n\nfunc D() {\x00\x00 os.Exit(1) }\n', "syntax errors"),
    "truncated.go": (
        b'package hostile\n\nimport "os"\n\nfunc E() {\n\tif len(os.Args) > 1 {\n\t\tos.Exit(',
        "syntax errors",
    ),
    "garbage.go": (b"}}}{{{ ))) package ??? \xff\xfe os.Exit(", "no package clause"),
    "empty.go": (b"", "no package clause"),
    "nopkg.go": (b'import "os"\n\nfunc F() { os.Exit(1) }\n', "no package clause"),
    "binary.go": (bytes(range(256)) * 64, "no package clause"),
}


def _write_tree(root: Path) -> None:
    (root / "go.mod").write_text(GO_MOD, encoding="utf-8")
    ordinary = root / "ordinary"
    ordinary.mkdir()
    (ordinary / "ok.go").write_text(EXIT.format(pkg="ordinary", name="Die"), encoding="utf-8")
    hostile = root / "hostile"
    hostile.mkdir()
    for name, (data, _) in HOSTILE_FILES.items():
        (hostile / name).write_bytes(data)
    (hostile / ODD_NAME).write_text(EXIT.format(pkg="hostile", name="Odd"), encoding="utf-8")
    (hostile / "x.go").mkdir()  # a directory is not a Go file
    (hostile / "x.go" / "inner.txt").write_text("not go", encoding="utf-8")
    (hostile / "unreadable.go").write_text(EXIT.format(pkg="hostile", name="Hidden"), encoding="utf-8")
    (hostile / "unreadable.go").chmod(0)
    (hostile / "dangling.go").symlink_to(hostile / "nowhere.go")
    (hostile / "selfloop.go").symlink_to(hostile / "selfloop.go")
    (hostile / "loop").symlink_to(root)  # a cycle under ./...: never followed
    if hasattr(os, "mkfifo"):
        os.mkfifo(hostile / "fifo_target")
        (hostile / "fifo.go").symlink_to(hostile / "fifo_target")  # reading it would block
    (hostile / "markup.go").write_text(
        'package hostile\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc Markup() {\n'
        f'\tdefer fmt.Println("{HOSTILE_TEXT}")\n\tos.Exit(1) // {HOSTILE_TEXT}\n}}\n',
        encoding="utf-8",
    )
    (hostile / "partial.go").write_text(
        'package hostile\n\nimport "os"\n\nfunc Sound() {\n\tos.Exit(1)\n}\n\n'
        "func Broken() {\n\tos.Exit(2) +++ ]]] ((\n}\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    _write_tree(root)
    return root


def _run(tree: Path, *args: str) -> tuple[int, str, str]:
    return invoke("--select", "ALL", "-j", "1", *args, "./...", cwd=tree)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def test_json_reports_every_bad_file_and_keeps_every_finding(tree: Path) -> None:
    code, out, _ = _run(tree, "--format", "json")
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out  # JSON escapes them: data
    document = json.loads(out)
    errors = {e["path"]: e["message"] for e in document["errors"]}
    for name, (_, phrase) in HOSTILE_FILES.items():
        if phrase:
            assert phrase in errors.pop(f"hostile/{name}"), name
    assert "cannot read" in errors.pop("hostile/dangling.go")
    assert "cannot read" in errors.pop("hostile/selfloop.go")
    assert "syntax errors" in errors.pop("hostile/partial.go")
    if hasattr(os, "mkfifo"):
        assert "not a regular file" in errors.pop("hostile/fifo.go")
    if not _is_root():  # root reads a chmod 000 file anyway: then it is analysed like any other
        assert "cannot read" in errors.pop("hostile/unreadable.go")
    assert errors == {}  # nothing else: no error for x.go/, the loop, BOM, CRLF or Latin-1
    flagged = {(f["path"], f["line"]) for f in document["findings"] if f["rule"] == "RES101"}
    assert ("ordinary/ok.go", 6) in flagged  # the ordinary finding elsewhere survives
    assert {
        ("hostile/latin1.go", 6),
        ("hostile/crlf.go", 6),
        (f"hostile/{ODD_NAME}", 6),
        ("hostile/partial.go", 6),  # the sound function of a partially parsed file
    } <= flagged
    assert ("hostile/partial.go", 10) not in flagged  # inside the ERROR subtree: dropped


def test_text_output_has_warning_lines_and_no_markup_or_control_characters(tree: Path) -> None:
    code, out, _ = _run(tree, "--format", "text")
    assert code == 1
    assert "warning: hostile/garbage.go: no package clause" in out
    assert "warning: hostile/partial.go: syntax errors" in out
    assert f"hostile/{ODD_NAME}:6:2: RES101" in out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "[bold]x[/bold]" in out and "[link=https://e.x]y[/link]" in out  # shown, not applied
    assert "\\x1b[2J" in out and "\\x07" in out and "\\x0d" in out
    _, coloured, _ = _run(tree, "--format", "text", "--color")
    own_colours = re.compile(r"\x1b\[[0-9;]*m")  # the report's styles; the source's ESC never gets here
    assert "\x1b" not in own_colours.sub("", coloured) and "\x07" not in coloured and "\r" not in coloured
    assert "\\x1b[2J" in coloured and "[bold]x[/bold]" in coloured


def test_markup_in_a_message_is_text(tree: Path) -> None:
    _, out, _ = _run(tree, "--format", "text", "-q")
    [line] = [line for line in out.splitlines() if line.startswith("hostile/markup.go") and "RES102" in line]
    assert "[bold]x[/bold]" in line and "\\x1b[2J" in line and "\x1b" not in line


def test_sarif_notifications_and_percent_encoded_uris(tree: Path) -> None:
    code, out, _ = _run(tree, "--format", "sarif")
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    run = json.loads(out)["runs"][0]
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any(n.startswith("hostile/binary.go: no package clause") for n in notes)
    assert any(n.startswith("hostile/partial.go: syntax errors") for n in notes)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "hostile/odd%20name%20100%25%20%231%20%C3%A9.go" in uris
    assert "ordinary/ok.go" in uris


def test_depth_and_size_do_not_matter(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD, encoding="utf-8")
    deep = tmp_path / "deep"
    deep.mkdir()
    nested_call = "f(" * DEPTH + "os.Exit(1)" + ")" * DEPTH
    (deep / "call.go").write_text(f'package deep\n\nimport "os"\n\nfunc H() {{\n{nested_call}\n}}\n', "utf-8")
    nested_value = "(" * DEPTH + "os.Exit" + ")" * DEPTH
    (deep / "expr.go").write_text(f'package deep\n\nimport "os"\n\nvar V = {nested_value}\n', "utf-8")
    block = "{" * DEPTH + "os.Exit(2)" + "}" * DEPTH
    (deep / "block.go").write_text(f'package deep\n\nimport "os"\n\nfunc G() {{\n{block}\n}}\n', "utf-8")
    unary = "!" * DEPTH
    (deep / "unary.go").write_text(
        f'package deep\n\nimport "os"\n\nfunc U(ok bool) {{\n\t_ = {unary}ok\n\tos.Exit(3)\n}}\n', "utf-8"
    )
    big = tmp_path / "big"
    big.mkdir()
    functions = "".join(f"func F{i}() int {{ return {i} }}\n" for i in range(200_000))
    (big / "big.go").write_text("package big\n\n" + functions, encoding="utf-8")
    assert (big / "big.go").stat().st_size > 6_000_000
    (big / "exit.go").write_text(EXIT.format(pkg="big", name="Die"), encoding="utf-8")
    started = time.monotonic()
    code, out, err = invoke("--select", "ALL", "--format", "json", "./...", cwd=tmp_path)
    assert time.monotonic() - started < 60
    assert code == 1, err
    document = json.loads(out)
    assert document["errors"] == []
    flagged = {(f["path"], f["line"], f["column"]) for f in document["findings"]}
    assert ("deep/call.go", 6, 2 * DEPTH + 1) in flagged
    assert ("deep/block.go", 6, DEPTH + 1) in flagged
    assert ("deep/unary.go", 7, 2) in flagged
    assert ("big/exit.go", 6, 2) in flagged


def test_columns_with_tabs_wide_characters_and_emoji(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD, encoding="utf-8")
    (tmp_path / "w").mkdir()
    source = 'package w\n\nimport "os"\n\nfunc W() {\n\t\t_, _ = "日本", "🙂"; os.Exit(1)\n}\n'
    (tmp_path / "w" / "w.go").write_text(source, encoding="utf-8")
    line = source.splitlines()[5]
    column = line.index("os.Exit") + 1  # characters: tabs, CJK and the emoji count one each
    utf16 = len(line[: column - 1].encode("utf-16-le")) // 2 + 1  # the emoji is two UTF-16 units
    assert utf16 == column + 1
    _, out, _ = invoke("--select", "RES101", "--format", "json", cwd=tmp_path)
    [finding] = json.loads(out)["findings"]
    assert (finding["line"], finding["column"], finding["end_column"]) == (6, column, column + 10)
    _, out, _ = invoke("--select", "RES101", "--format", "sarif", cwd=tmp_path)
    region = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (utf16, utf16 + 10)
    _, out, _ = invoke("--select", "RES101", "--format", "text", cwd=tmp_path)
    shown, caret = (row.split(" | ", 1)[1] for row in out.splitlines()[2:4])
    assert shown == '        _, _ = "日本", "🙂"; os.Exit(1)'
    # each CJK character and the emoji take two terminal cells
    assert caret == " " * (8 + len('_, _ = "日本", "🙂"; ') + 3) + "^" * 10


def test_long_lines_are_shown_as_a_window(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD, encoding="utf-8")
    (tmp_path / "m").mkdir()
    padding = "var _ = 1; " * 2_000
    source = f'package m\n\nimport "os"\n\nfunc M() {{ {padding}os.Exit(1); {padding}}}\n'
    (tmp_path / "m" / "m.go").write_text(source, encoding="utf-8")
    _, out, _ = invoke("--select", "RES101", cwd=tmp_path)
    shown, caret = (row.split(" | ", 1)[1] for row in out.splitlines()[2:4])
    assert len(shown) < 300
    assert shown[len(caret) - 10 : len(caret)] == "os.Exit(1)" and caret.endswith("^" * 10)


def _raise_in(rule_id: str, bad_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `rule_id`'s check raise when it meets a match in the file named `bad_name`."""
    original = CHECKS[rule_id]

    def exploding(ctx):  # type: ignore[no-untyped-def]
        for match in ctx.matches(EXIT_CALLS):
            if match.context.file.display.endswith(bad_name):
                raise ValueError("boom")
        yield from original.function(ctx)

    monkeypatch.setitem(CHECKS, rule_id, Check(rule_id, exploding, original.fragments))


def test_a_failing_check_exits_2_naming_rule_and_file_after_reporting_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD, encoding="utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.go").write_text(EXIT.format(pkg="pkg", name="A"), encoding="utf-8")
    (pkg / "x.go").write_text(EXIT.format(pkg="pkg", name="X"), encoding="utf-8")
    _raise_in("RES102", "x.go", monkeypatch)
    code, out, _ = invoke("--select", "RES101,RES102", "-j", "1", cwd=tmp_path)
    assert code == 2
    assert "pkg/a.go:6:2: RES101" in out and "pkg/x.go:6:2: RES101" in out  # the rest is reported
    assert "internal error in RES102 on pkg/x.go: ValueError: boom" in out
    code, out, _ = invoke("--select", "RES101,RES102", "-j", "1", "--format", "json", cwd=tmp_path)
    assert code == 2
    assert {"path": "pkg/x.go", "message": "internal error in RES102: ValueError: boom"} in json.loads(out)[
        "errors"
    ]


def test_a_failing_fact_extractor_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD, encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.go").write_text(EXIT.format(pkg="pkg", name="A"), encoding="utf-8")

    def failing(*_args: object) -> None:
        raise RuntimeError("no facts today")

    extractor = queries.FACT_EXTRACTORS[0]
    replaced = type(extractor)(extractor.name, failing, extractor.fragments)
    monkeypatch.setattr(queries, "FACT_EXTRACTORS", [replaced, *queries.FACT_EXTRACTORS[1:]])
    code, out, _ = invoke("--select", "RES101", "-j", "1", cwd=tmp_path)
    assert code == 2
    assert "pkg/a.go:6:2: RES101" in out
    assert f"internal error in fact extractor {extractor.name} on " in out


def _wait_for_workers(group: int, timeout: float = 30.0) -> None:
    """Return once a process of the run's group other than its leader exists (a pool worker).

    Waiting for the workers, rather than for a fixed time, keeps the test independent of
    the machine's speed: the signal always arrives while the pool works.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for status_file in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = status_file.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and int(status_file.parent.name) != group:
                time.sleep(0.5)  # let the workers start on their batches
                return
        time.sleep(0.05)
    raise AssertionError("the run started no worker")


@pytest.mark.skipif(sys.platform == "win32", reason="signals to a child process are POSIX")
@pytest.mark.parametrize(
    ("signum", "whole_group", "status"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C: a terminal signals the whole process group
        (getattr(signal, "SIGTERM", 15), False, 143),  # docker stop, a cancelled CI job: the main process
        (getattr(signal, "SIGHUP", 1), False, 129),  # the terminal went away
        (getattr(signal, "SIGTERM", 15), True, 143),
    ],
)
def test_a_signal_stops_the_run_and_its_workers_promptly_without_traceback_or_output_file(
    tmp_path: Path, signum: int, whole_group: bool, status: int
) -> None:
    """The signal arrives while the pool works; afterwards no process of the run is left."""
    (tmp_path / "go.mod").write_text(GO_MOD, encoding="utf-8")
    nested_call = "f(" * DEPTH + "os.Exit(1)" + ")" * DEPTH
    for index in range(80):  # far more work than the wait below: the run is busy when interrupted
        package = tmp_path / f"p{index}"
        package.mkdir()
        (package / "deep.go").write_text(
            f'package p\n\nimport "os"\n\nfunc H() {{\n{nested_call}\n}}\n', "utf-8"
        )
    report = tmp_path / "report.json"
    cache = ["--cache-dir", str(tmp_path / "cache")]
    command = [
        sys.executable,
        "-m",
        "golint_resilience",
        "-j",
        "2",
        *cache,
        "--format",
        "json",
        "-o",
        str(report),
    ]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    _wait_for_workers(process.pid)
    assert process.poll() is None, "the run ended before it could be interrupted"
    interrupted = time.monotonic()
    if whole_group:
        os.killpg(process.pid, signum)
    else:
        os.kill(process.pid, signum)
    _, err = process.communicate(timeout=30)  # returns once every worker has closed stderr too
    assert time.monotonic() - interrupted < 5
    assert process.returncode == status
    with pytest.raises(ProcessLookupError):  # no worker of the run's process group survives
        os.killpg(process.pid, 0)
    assert "Traceback" not in err.decode()
    assert "interrupted" in err.decode()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["go.mod"]  # no report, no temp file
    # The cache the interrupted run wrote to is sound: a package read from it reports as a fresh run does.
    fresh = invoke("--no-cache", "--format", "json", "p0", cwd=tmp_path)
    assert invoke(*cache, "--format", "json", "p0", cwd=tmp_path) == fresh
    assert invoke(*cache, "--format", "json", "p0", cwd=tmp_path) == fresh


# --- property-based: random bytes and mutated fixtures ----------------------------------

FIXTURE_SOURCES = sorted(FIXTURES.rglob("*.go"))
UNTOUCHED = (
    'package {pkg}\n\nimport "os"\n\n// untouchedExit exits.\nfunc untouchedExit() {{\n\tos.Exit(1)\n}}\n'
)
_SETTINGS = RunSettings(
    rules=select_rules(load_catalog(), ("ALL",)),
    options=default_options(load_catalog()),
    include_tests=True,
    include_generated=True,
    jobs=1,
)


def _lint_beside_untouched(data: bytes, package: str) -> tuple[list[Finding], list[str]]:
    """Lint `data` as m.go next to an untouched file of the same package, in one run:
    (findings of the untouched file, tool errors)."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "go.mod").write_text(GO_MOD, encoding="utf-8")
        (root / "p").mkdir()
        (root / "p" / "m.go").write_bytes(data)
        (root / "p" / "untouched.go").write_text(UNTOUCHED.format(pkg=package), encoding="utf-8")
        with chdir(root):
            result = run(discover(["./..."]), _SETTINGS)
    untouched = [f for f in result.findings if f.path == "p/untouched.go"]
    return untouched, [f"{e.rule_id} on {e.path}: {e.message}" for e in result.tool_errors]


def _package_of(data: bytes) -> str:
    return package_name(data) or "p"


@functools.cache
def _baseline(package: str) -> list[tuple[str, int, int, str]]:
    findings, errors = _lint_beside_untouched(b"", package)
    assert errors == []
    return [(f.rule_id, f.span.line, f.span.column, f.message) for f in findings]


def _check_mutant(data: bytes, package: str) -> None:
    findings, errors = _lint_beside_untouched(data, package)
    assert errors == []
    assert [(f.rule_id, f.span.line, f.span.column, f.message) for f in findings] == _baseline(package)


@st.composite
def _mutants(draw: st.DrawFn) -> tuple[bytes, str]:
    """A fixture file truncated, spliced with another, with garbage inserted, or braces doubled."""
    original = draw(st.sampled_from(FIXTURE_SOURCES)).read_bytes()
    at = draw(st.integers(0, len(original)))
    kind = draw(st.sampled_from(["truncate", "splice", "garbage", "braces"]))
    if kind == "truncate":
        mutant = original[:at]
    elif kind == "splice":
        other = draw(st.sampled_from(FIXTURE_SOURCES)).read_bytes()
        mutant = original[:at] + other[draw(st.integers(0, len(other))) :]
    elif kind == "garbage":
        mutant = original[:at] + draw(st.binary(min_size=1, max_size=40)) + original[at:]
    else:
        mutant = re.sub(rb"[{}]", lambda m: m.group() * draw(st.integers(1, 3)), original)
    return mutant, _package_of(original)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000))
def test_random_bytes_never_raise_nor_change_a_neighbour(data: bytes) -> None:
    _check_mutant(data, "p")
    # Inside a function that every rule's byte prefilter lets through, so it is parsed.
    frame = b'package p\n\nimport "os"\n\nfunc f() {\n\tdefer recover()\n\tgo func() {}()\n\t%s\n'
    frame += b"\tos.Exit(1)\n}\n"
    _check_mutant(frame % data, "p")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutants())
def test_mutated_fixtures_never_raise_nor_change_a_neighbour(mutant: tuple[bytes, str]) -> None:
    _check_mutant(*mutant)


def test_ancestors_of_a_deep_node_match_the_parent_chain() -> None:
    data = b"package p\n\nfunc H() {\n" + b"f(" * 300 + b"leaf" + b")" * 300 + b"\n}\n"
    file = SourceFile(Path("p.go"), "p.go", data)
    context = FileContext(file, Package(Path(), "p", [file], None))
    start = data.index(b"leaf")
    leaf = file.root.descendant_for_byte_range(start, start + 4)
    assert leaf is not None and file.text(leaf) == "leaf"
    expected = []
    parent = leaf.parent
    while parent is not None:
        expected.append(parent)
        parent = parent.parent
    assert len(expected) > 600
    assert [a.id for a in ancestors(leaf, context)] == [a.id for a in expected]


# --- output files: nothing outside the tree is touched ---------------------------------


def _exit_tree(root: Path) -> Path:
    (root / "lib").mkdir(parents=True, exist_ok=True)
    (root / "lib" / "lib.go").write_text(EXIT.format(pkg="lib", name="Die"), encoding="utf-8")
    return root


def _temporaries(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_a_character_device_is_written_through_never_replaced(tmp_path: Path, option: str) -> None:
    root = _exit_tree(tmp_path)
    if _is_root():  # a device of our own in the tree: the real /dev/null is not put at risk
        device = root / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        device = Path(os.devnull)
    code, _, err = invoke(option, str(device), "./...", cwd=root)
    assert code == (0 if option == "--write-baseline" else 1), err
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert _temporaries(device.parent) == []


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    root = _exit_tree(tmp_path)
    fifo = root / "report.fifo"
    os.mkfifo(fifo)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = invoke("--format", "json", "-o", str(fifo), "./...", cwd=root)
    reader.join(timeout=10)
    assert code == 1, err
    assert read, "the FIFO was never written"
    assert json.loads(read[0])["findings"][0]["rule"] == "RES101"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_a_symlink_is_refused_and_left_alone(tmp_path: Path, option: str) -> None:
    root = _exit_tree(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (root / "out").symlink_to(victim)
    code, _, err = invoke(option, "out", "./...", cwd=root)
    assert code == 2
    assert (
        err
        == "resilint: error: cannot write out: it is a symbolic link (name the file it points to instead)\n"
    )
    assert (root / "out").is_symlink() and victim.read_text(encoding="utf-8") == "precious\n"


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umask(tmp_path: Path) -> None:
    root = _exit_tree(tmp_path)
    shared = root / "shared.json"
    shared.write_text("{}", encoding="utf-8")
    shared.chmod(0o664)
    previous = os.umask(0o027)
    try:
        assert invoke("-o", "shared.json", "-o", "shared.json", "./...", cwd=root)[0] == 1
        assert invoke("-o", "new.json", "./...", cwd=root)[0] == 1
    finally:
        os.umask(previous)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert stat.S_IMODE((root / "new.json").stat().st_mode) == 0o640


def test_a_full_disk_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _exit_tree(tmp_path)
    real_fdopen = os.fdopen

    class Full(io.BytesIO):
        def write(self, data: object) -> int:  # noqa: ARG002
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(handle: int, *args: object, **kwargs: object) -> object:
        real_fdopen(handle, *args, **kwargs).close()
        return Full()

    monkeypatch.setattr(os, "fdopen", fdopen)
    code, _, err = invoke("-o", "out.txt", "./...", cwd=root)
    assert code == 2
    assert err == "resilint: error: cannot write out.txt: No space left on device\n"
    assert _temporaries(root) == [] and not (root / "out.txt").exists()


def test_a_full_disk_on_stdout_is_a_user_error(tmp_path: Path) -> None:
    root = _exit_tree(tmp_path)
    with open("/dev/full", "w") as full:  # noqa: PTH123
        completed = subprocess.run(
            [sys.executable, "-m", "golint_resilience", "--format", "json", "./..."],
            cwd=root,
            stdout=full,
            capture_output=False,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert completed.returncode == 2
    assert (
        completed.stderr
        == "resilint: error: cannot write the report to standard output: No space left on device\n"
    )


# --- lines are counted as Go counts them: "\n" only --------------------------------------

# Every character str.splitlines() breaks at besides "\n".
OTHER_LINE_BREAKS = ["\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("separator", OTHER_LINE_BREAKS, ids=lambda s: f"U+{ord(s):04X}")
def test_a_suppression_covers_its_own_line_whatever_other_line_breaks_come_first(
    tmp_path: Path, separator: str
) -> None:
    source = (
        f'package lib\n\nimport "os"\n\n// a comment{separator}with a break Go does not count\n'
        "func Die() {\n"
        "\t//resilint:ignore RES101 the ignore above the flagged line still works\n"
        "\tos.Exit(1)\n"
        f"\t{separator}//resilint:ignore RES101 above x := 1, so it silences nothing\n"
        "\tx := 1\n"
        "\tos.Exit(x)\n"
        "}\n"
    )
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.go").write_text(source, encoding="utf-8")
    code, out, err = invoke("--format", "json", "./...", cwd=tmp_path)
    assert code == 1, err
    flagged = [(f["line"], f["suppressed"]) for f in json.loads(out)["findings"]]
    assert flagged == [(8, True), (11, False)]


def test_a_carriage_return_in_a_changed_line_starts_no_diff_header(tmp_path: Path) -> None:
    diff = "diff --git a/a.go b/a.go\n+++ b/a.go\n@@ -1,0 +2 @@\n+x := 1 //\r@@ -1,0 +1,900 @@\n"
    changes = newfromrev.parse_diff(diff, tmp_path, "--new-from-rev")
    assert changes == {os.path.realpath(tmp_path / "a.go"): {2}}


# --- configuration and baseline input that used to crash or stall ------------------------

BAD_CONFIGS = [
    ("pyproject.toml", 'tool = "resilint"\n', "key 'tool': expected a table, got the string \"resilint\""),
    ("pyproject.toml", "tool = 5\n", "key 'tool': expected a table, got the number 5"),
    ("pyproject.toml", "[tool]\nresilint = 5\n", "key 'tool.resilint': expected a table, got the number 5"),
    (".resilint.toml", "select = " + "[" * 5_000 + "]" * 5_000 + "\n", "nested too deeply"),
    (".resilint.toml", f'select = ["{"x" * 50_000_000}"]\n', "larger than 4 MiB"),
    (
        ".resilint.toml",
        f'select = ["{"x" * 3_000_000}"]\n',
        "key 'select': unknown rule or prefix 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
        "… (3000000 characters) (see `resilint rules`)",
    ),
    (".resilint.toml", f'fail-on = "{"y" * 100_000}"\n', '"' + "y" * 60 + '"… (100000 characters)'),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_CONFIGS, ids=[c[2][:30] for c in BAD_CONFIGS])
def test_bad_configuration_is_one_short_line_naming_the_key(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    (_exit_tree(tmp_path) / name).write_text(text, encoding="utf-8")
    started = time.monotonic()
    code, _, err = invoke("--config", name, "./...", cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert code == 2
    assert err.startswith(f"resilint: error: {name}: ") and err.count("\n") == 1, err[:300]
    assert message in err and len(err) < 400


def test_a_deeply_nested_baseline_is_a_user_error(tmp_path: Path) -> None:
    (_exit_tree(tmp_path) / "base.json").write_text("[" * 3_000 + "]" * 3_000, encoding="utf-8")
    code, _, err = invoke("--baseline", "base.json", "./...", cwd=tmp_path)
    assert code == 2
    assert err == (
        "resilint: error: baseline base.json: not a resilint baseline: arrays or objects nested too deeply\n"
    )


def test_a_malformed_parent_pyproject_is_passed_over_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.other\n", encoding="utf-8")
    root = _exit_tree(tmp_path / "repo")
    code, out, err = invoke("./...", cwd=root)
    assert code == 1 and "RES101" in out
    assert err.startswith("resilint: warning: ") and "pyproject.toml: invalid TOML" in err
    assert err.rstrip().endswith("(passed over)") and err.count("\n") == 1


def test_a_long_option_list_costs_linear_time(tmp_path: Path) -> None:
    helpers = ", ".join(f'"pkg.Helper{i}"' for i in range(100_000))
    (_exit_tree(tmp_path) / ".resilint.toml").write_text(
        f"[rules.RES201]\nextend-recover-helpers = [{helpers}]\n", encoding="utf-8"
    )
    started = time.monotonic()
    code, _, err = invoke("--no-cache", "./...", cwd=tmp_path)
    assert code == 1, err
    assert time.monotonic() - started < 20  # was ~25 min: each helper was compared with each


def test_every_unknown_rule_of_a_key_is_named_in_one_line(tmp_path: Path) -> None:
    (_exit_tree(tmp_path) / ".resilint.toml").write_text(
        'select = ["RES1O1", "nope", "RES2"]\n', encoding="utf-8"
    )
    code, _, err = invoke("./...", cwd=tmp_path)
    assert code == 2
    assert err == (
        "resilint: error: .resilint.toml: key 'select': unknown rules or prefixes "
        "'RES1O1' (did you mean 'RES101'?), 'nope' (see `resilint rules`)\n"
    )


# --- the cache holds data, never code ------------------------------------------------------


class _Payload:
    """Unpickling this runs a shell command: what a planted pickle entry would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _plant(entry: Path, payload: bytes) -> None:
    """Replace an entry's payload, keeping a valid header and checksum."""
    entry.write_bytes(cache_module._MAGIC + hashlib.sha256(payload).digest() + payload)


@pytest.mark.parametrize("kind", ["pickle", "marshal-code", "unknown-type", "deep"])
def test_a_crafted_cache_entry_is_a_miss_never_code(tmp_path: Path, kind: str) -> None:
    root = _exit_tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    marker = tmp_path / "pwned"
    env = ["--cache-dir", str(cache), "--format", "json", "./..."]
    code, reference, _ = invoke(*env, cwd=root)
    assert code == 1
    payloads = {
        "pickle": pickle.dumps(_Payload(marker)),
        "marshal-code": marshal.dumps(compile(f"open({str(marker)!r}, 'w')", "x", "exec")),
        "unknown-type": marshal.dumps(("k", None, (b"Popen", "touch", str(marker)))),
        "deep": marshal.dumps(functools.reduce(lambda inner, _: [inner], range(1_500), [])),
    }
    [entry] = [p for p in cache.rglob("*") if p.is_file()]
    _plant(entry, payloads[kind])
    assert invoke(*env, cwd=root) == (1, reference, "")  # a miss: analysed again
    assert not marker.exists()


def test_a_file_as_cache_dir_runs_without_the_cache(tmp_path: Path) -> None:
    root = _exit_tree(tmp_path / "tree")
    blocked = tmp_path / "a-file"
    blocked.write_text("mine\n", encoding="utf-8")
    code, out, err = invoke("--cache-dir", str(blocked), "./...", cwd=root)
    assert code == 1 and "RES101" in out
    assert (
        err == f"resilint: warning: cache directory {blocked} is not a directory: running without the cache\n"
    )
    assert blocked.read_text(encoding="utf-8") == "mine\n"


# Characters that hide or reorder text: a C1 CSI, a bidi override, a line separator.
HIDDEN = "\u009b\u202e\u2028"


def _hidden_tree(root: Path) -> Path:
    """A file whose unused suppression (RES901, which quotes it) holds hidden characters and links."""
    (root / "lib").mkdir(parents=True)
    directive = f"//resilint:ignore RES101 {HIDDEN} @octocat #1 https://e.x"
    (root / "lib" / "lib.go").write_text(f"package lib\n\nfunc Fine() {{}} {directive}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("option", ["--format=json", "--write-baseline=base.json"])
def test_json_escapes_c1_and_bidi_controls(tmp_path: Path, option: str) -> None:
    root = _hidden_tree(tmp_path)
    code, out, err = invoke("--warn-unused-ignores", option, "./...", cwd=root)
    assert code in {0, 1}, err
    text = out if option == "--format=json" else (root / "base.json").read_text(encoding="utf-8")
    assert "\\u009b\\u202e\\u2028" in text
    assert not set(HIDDEN) & set(text)


def test_markdown_leaves_no_mention_reference_or_autolink(tmp_path: Path) -> None:
    root = _hidden_tree(tmp_path)
    code, out, err = invoke("--warn-unused-ignores", "--format", "markdown", "./...", cwd=root)
    assert code == 1, err
    assert "@&#8203;octocat" in out and "#&#8203;1" in out and "https:&#8203;//e.x" in out
    assert not re.search(r"@\w|#\d|https?://|www\.", out.replace("&#8203;", "\u200b"))
