from __future__ import annotations

from pathlib import Path

import pytest

from golint_resilience.analysis import resolve
from golint_resilience.analysis.resolve import assignment_target, callee_name, lookup
from golint_resilience.golang.index import FileContext, Package, default_import_name
from golint_resilience.golang.parsing import Node, captures_within
from golint_resilience.golang.source import SourceFile
from harness import FIXTURES

EXAMPLES = FIXTURES.parents[1] / "examples"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("log", "log"),
        ("k8s.io/klog/v2", "klog"),
        ("gopkg.in/yaml.v3", "yaml"),
        ("github.com/go-kit/log", "log"),
        ("github.com/mattn/go-sqlite3", "sqlite3"),
        ("github.com/rs/zerolog/log", "log"),
    ],
)
def test_default_import_name(path: str, name: str) -> None:
    assert default_import_name(path) == name


SOURCE = b"""package p

import (
	stdlog "log"
	log "github.com/sirupsen/logrus"
	"os"
)

func f(os string) {
	stdlog.Print(1)
	log.Print(2)
	os.Exit(3)
	{
		stdlog := 1
		stdlog.Print(4)
	}
	stdlog.Print(5)
	for _, log := range []int{} {
		log.Print(6)
	}
	switch log := any(0).(type) {
	default:
		log.Print(7)
	}
}
"""


def test_callee_names_honour_aliases_and_shadowing() -> None:
    file = SourceFile(Path("p.go"), "p.go", SOURCE)
    context = FileContext(file, Package(Path(), "p", [file], None))
    calls = captures_within(file.root, "(call_expression) @call", file.budget)
    resolved = {}
    for captures in calls:
        call = captures["call"][0]
        argument = file.text(call.child_by_field_name("arguments"))
        name = callee_name(call, context)
        resolved[argument] = str(name) if name else None
    assert resolved["(1)"] == "log.Print"
    assert resolved["(2)"] == "github.com/sirupsen/logrus.Print"
    assert resolved["(3)"] is None  # the parameter `os` shadows the import
    assert resolved["(4)"] is None
    assert resolved["(5)"] == "log.Print"
    assert resolved["(6)"] is None
    assert resolved["(7)"] is None


ASSIGNMENTS = b"""package p

var pkg = &T{1}

func f() {
	local := &T{2}
	req, err := g(3)
	s.field = (T{4})
	var typed T = T{5}
	use(T{6})
	_, _, _, _, _ = pkg, local, req, err, typed
}
"""


def test_assignment_targets_and_variables() -> None:
    file = SourceFile(Path("p.go"), "p.go", ASSIGNMENTS)
    context = FileContext(file, Package(Path(), "p", [file], None))
    targets = {}
    for captures in captures_within(file.root, "[(composite_literal) (call_expression)] @value", file.budget):
        value = captures["value"][0]
        arguments = value.child_by_field_name("body") or value.child_by_field_name("arguments")
        target = assignment_target(value, context)
        targets[file.text(arguments)] = file.text(target) if target is not None else None
    assert targets["{1}"] == "pkg"
    assert targets["{2}"] == "local"
    assert targets["(3)"] == "req"  # `req, err := g()`: the first result
    assert targets["{4}"] == "s.field"
    assert targets["{5}"] == "typed"
    assert targets["{6}"] is None  # an argument, not an assignment

    (last,) = captures_within(
        file.root, "(assignment_statement right: (expression_list) @uses) @a", file.budget
    )[-1:]
    names = {file.text(n): n for n in last["uses"][0].named_children}
    pkg = lookup(names["pkg"], context)
    assert pkg is not None and not pkg.is_local and pkg.value_node is not None
    assert file.text(pkg.value_node) == "&T{1}"
    local = lookup(names["local"], context)
    assert local is not None and local.is_local and local.value_node is not None
    assert file.text(local.value_node) == "&T{2}"


LABELS = b"""package p

func f() int {
retry:
	n, err := g()
	if err != nil {
		goto retry
	}
empty:
	return n
}
"""


def test_a_label_opens_no_scope() -> None:
    file = SourceFile(Path("p.go"), "p.go", LABELS)
    context = FileContext(file, Package(Path(), "p", [file], None))
    query = "(return_statement (expression_list (identifier) @n))"
    (returned,) = captures_within(file.root, query, file.budget)
    binding = lookup(returned["n"][0], context)
    assert binding is not None and binding.is_local and binding.value_node is not None
    assert file.text(binding.value_node) == "g()"


SIGNATURES = b"""package p

func (a *A) Set(value string) error { return nil }

func f(a, b int, rest ...string) {}

func Main() {}
"""


def test_signatures_list_a_type_per_parameter_name() -> None:
    file = SourceFile(Path("p.go"), "p.go", SIGNATURES)
    context = FileContext(file, Package(Path(), "p", [file], None))
    found = [resolve.signature(d, context) for d in file.root.named_children if "declaration" in d.type]
    assert found == [
        ("Set", ("string",), "error"),
        ("f", ("int", "int", "...string"), ""),
        ("Main", (), ""),
    ]


def _selector_operands(root: Path) -> list[tuple[FileContext, Node]]:
    found = []
    for path in sorted(root.rglob("*.go")):
        file = SourceFile(path, path.name, path.read_bytes())
        context = FileContext(file, Package(path.parent, "p", [file], None))
        query = "(selector_expression operand: (identifier) @operand)"
        found.extend((context, c["operand"][0]) for c in captures_within(file.root, query, file.budget))
    return found


def test_the_text_test_never_hides_a_local_binding(monkeypatch: pytest.MonkeyPatch) -> None:
    """lookup skips the scope walk where the text shows no binding: same answers as the walk."""
    operands = _selector_operands(FIXTURES) + _selector_operands(EXAMPLES)
    shortcut = [lookup(op, context) for context, op in operands]
    monkeypatch.setattr(resolve, "_may_declare", lambda *_: True)
    walked = [lookup(op, context) for context, op in operands]
    assert [b.is_local if b else None for b in shortcut] == [b.is_local if b else None for b in walked]
    assert sum(b is not None and b.is_local for b in walked) > 10  # shadowed operands are among them


TYPES = b"""package p

import (
	"log"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

type T struct{ next *T }
type U struct{}

func (T) Make() *U { return nil }
func newT() *T     { return nil }

var pkgClient *http.Client
var pkgT = newT()

func f(u string, a any, x int) {
	_ = &http.Client{}                          // type: foreign net/http.Client
	_ = new(http.Client)                        // type: foreign net/http.Client
	_ = new(T)                                  // type: local T
	_ = T{}                                     // type: local T
	_ = &T{}                                    // type: local T
	_ = T(struct{ next *T }{})                  // type: local T
	_ = (*T)(nil)                               // type: local T
	_ = time.Duration(x)                        // type: foreign (a conversion reads as a call)
	_ = string(rune(x))                         // type: foreign string
	_ = pkgClient                               // type: foreign net/http.Client
	_ = pkgT                                    // type: local T
	t := newT()
	_ = t                                       // type: local T
	_ = t.next                                  // type: local T
	_ = t.Make()                                // type: local U
	resp, _ := http.PostForm(u, nil)
	_ = resp                                    // type: foreign net/http.Response
	_ = resp.Body                               // type: foreign
	_ = os.Stdout                               // type: foreign
	lg := log.New(os.Stderr, "", 0)
	_ = lg                                      // type: foreign log.Logger
	get := http.Get
	got, _ := get(u)
	_ = got                                     // type: foreign net/http.Response
	_ = func() *T { return nil }()              // type: local T
	made := func() *U { return nil }
	_ = made()                                  // type: local U
	_ = a.(*T)                                  // type: local T
	_ = a.(*http.Request)                       // type: foreign net/http.Request
	_ = a                                       // type: foreign any
	var ap atomic.Pointer[T]
	_ = ap.Load()                               // type: unknown
	_ = []T{}                                   // type: unknown
	{
		t := 1
		_ = t                                   // type: unknown (an untyped constant; not the outer t)
	}
	g := func(t *U) {
		_ = t                                   // type: local U
	}
	_ = g
}
"""


def _type_text(found: resolve.TypeRef) -> str:
    return " ".join(part for part in (found.kind.value, found.name) if part)


def test_type_of_follows_each_inference_rule() -> None:
    """Every rule of type_of: literals, new, conversions, bindings, calls, function values, scopes."""
    file = SourceFile(Path("p.go"), "p.go", TYPES)
    context = FileContext(file, Package(Path(), "p", [file], None))
    query = (
        "(assignment_statement left: (expression_list (identifier) @blank)"
        " right: (expression_list . (_) @value))"
    )
    seen = []
    for captures in captures_within(file.root, query, file.budget):
        blank, value = captures["blank"][0], captures["value"][0]
        line = file.line_text(value.start_point[0] + 1)
        if file.text(blank) != "_" or "// type: " not in line:
            continue
        expected = line.split("// type: ", 1)[1].split(" (", 1)[0].strip()
        seen.append((file.text(value), _type_text(resolve.type_of(value, context)), expected))
    assert len(seen) == TYPES.count(b"// type: ")
    assert [(text, found) for text, found, _ in seen] == [(text, expected) for text, _, expected in seen]
