"""The byte prefilter's triggers: each finds what it says, and only that."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from golint_resilience.analysis.triggers import (
    LOCAL_IMPORT,
    Confirmed,
    FileSearch,
    Imports,
    Prefilter,
    StatementStart,
)
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.golang.gomod import ModuleInfo
from golint_resilience.knowledge.exit_calls import exit_triggers
from golint_resilience.settings import default_options

GO = StatementStart(b"go")


@pytest.mark.parametrize(
    "text",
    [
        b"package p\nfunc f() {\n\tgo g()\n}\n",
        b"package p\nfunc f() { go g() }\n",
        b"package p\nfunc f() {\n\tselect {\n\tcase <-c: go g()\n\t}\n}\n",
        b"package p\nfunc f() { x := 1; go\tg(x) }\n",
    ],
)
def test_statement_start_finds_the_statement(text: bytes) -> None:
    assert FileSearch(text, None, {}).holds(GO)


@pytest.mark.parametrize(
    "text",
    [
        b"package p\n\n// We go on when the go tool says so.\nfunc f() {}\n",
        b'package p\nvar s = "to go "\n',
        b"package p\nfunc f() { algo := 1; _ = algo }\n",
        b"package p\nfunc f() { gopher() }\n",
    ],
)
def test_statement_start_ignores_the_word_elsewhere(text: bytes) -> None:
    assert not FileSearch(text, None, {}).holds(GO)


def test_local_import_is_a_quoted_path_of_the_module_or_a_replacement() -> None:
    module = ModuleInfo(Path("/m"), "example.com/m", (("example.com/lib", Path("/lib")),))
    assert FileSearch(b'import "example.com/m/internal/x"', module, {}).holds(LOCAL_IMPORT)
    assert FileSearch(b'import x "example.com/lib"', module, {}).holds(LOCAL_IMPORT)
    assert not FileSearch(b'import "example.com/mx/y"', module, {}).holds(LOCAL_IMPORT)
    assert not FileSearch(b'import "example.com/m/x"', None, {}).holds(LOCAL_IMPORT)


class _Counted(bytes):
    """File bytes that remember which literals were searched in them."""

    searched: list[bytes]

    def __contains__(self, literal: object) -> bool:
        assert isinstance(literal, bytes)
        self.searched.append(literal)
        return super().__contains__(literal)


def test_a_literal_is_searched_once_and_not_when_one_inside_it_is_absent() -> None:
    prefilter = Prefilter({"sends": (b"Get(",), "routes": (b"Get",), "both": (b"Get", b"Get(")}, {})
    data = _Counted(b"package p\n")
    data.searched = []
    search = FileSearch(data, None, prefilter.prerequisites)
    assert prefilter.wanted([search]) == [()]
    assert data.searched == [b"Get"]


def test_confirmed_needs_its_literal_and_its_pattern() -> None:
    trigger = Confirmed(b"Fatal", re.compile(rb"\.\s*Fatalf?\s*\("))
    assert FileSearch(b"log.Fatalf(x)", None, {}).holds(trigger)
    assert not FileSearch(b"// Fatal errors stop", None, {}).holds(trigger)


def test_a_gate_closes_every_file_of_the_package() -> None:
    prefilter = Prefilter({"routes": (b"Handle",), "sends": (b"Get(",)}, {"routes": (b'"/healthz"',)})
    searches = [FileSearch(b"mux.Handle(p, h)", None, {}), FileSearch(b"c.Get(u)", None, {})]
    assert prefilter.wanted(searches) == [(), ("sends",)]
    searches.append(FileSearch(b'const p = "/healthz"', None, {}))
    assert prefilter.wanted(searches) == [("routes",), ("sends",), ()]


def test_a_gate_is_searched_only_where_a_file_wants_its_fragment() -> None:
    prefilter = Prefilter({"routes": (b"Handle",)}, {"routes": (b'"/healthz"',)})
    data = _Counted(b"package p\n")
    data.searched = []
    assert prefilter.wanted([FileSearch(data, None, {})]) == [()]
    assert data.searched == [b"Handle"]


@pytest.mark.parametrize(
    "call",
    [b"log.Fatalf(", b"log.\n\t\tFatalf(", b"log. // why\n\tFatal (", b"klog./**/ExitDepth(", b"os.Exit("],
)
def test_exit_triggers_find_selector_calls_across_blanks_and_comments(call: bytes) -> None:
    search = FileSearch(b"package p\n\nfunc f() {\n\t" + call + b"1)\n}\n", None, {})
    assert any(search.holds(trigger) for trigger in exit_triggers(default_options(load_catalog())))


@pytest.mark.parametrize(
    "text", [b"// Fatal errors stop the run.", b"type FatalError struct{}", b"func Exit() {}"]
)
def test_exit_triggers_ignore_the_names_elsewhere(text: bytes) -> None:
    search = FileSearch(b"package p\n\n" + text + b"\n", None, {})
    assert not any(search.holds(trigger) for trigger in exit_triggers(default_options(load_catalog())))


def test_imports_end_at_the_first_declaration_not_in_a_cgo_preamble() -> None:
    preamble = b'/*\nconst char *s = "x";\ntypedef int T;\n*/\nimport "C"\n'
    data = b"package p\n\n" + preamble + b'\nimport "os/signal"\n\nvar x = 1\n'
    search = FileSearch(data, None, {})
    assert search.imports == data[: data.index(b"\nvar x")]
    assert search.holds(Imports(b'"os/signal"'))
    assert not search.holds(Imports(b"x = 1"))


def test_a_selector_call_after_a_string_with_slashes_on_its_line() -> None:
    search = FileSearch(b'package p\n\nfunc f() { u := "http://x"; log.Fatal(u) }\n', None, {})
    assert any(search.holds(trigger) for trigger in exit_triggers(default_options(load_catalog())))
