"""What the work of an HTTP handler is: local or a dependency, heavy or not (RES501, RES502, RES8).

Each call of a handler is classified (`classify`); `first_work` finds the first call that
does the work asked for, in the handler or in the same-package functions it calls (two
levels deep), and says through which helpers it is reached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from golint_resilience.analysis.resolve import (
    TypeRef,
    callee_name,
    imported_package,
    inside_within,
    same_package_callee,
    type_of,
    unparen,
)
from golint_resilience.golang.index import FileContext, string_value
from golint_resilience.golang.parsing import Node, calls_within
from golint_resilience.knowledge.contexts import is_background_context

HELPER_DEPTH = 2
_LOCAL_WORK = frozenset(
    {
        "time.Sleep",
        "os/exec.Command",
        "os/exec.CommandContext",
        "path/filepath.Walk",
        "path/filepath.WalkDir",
        "io/fs.WalkDir",
        "os.ReadDir",
        "io/ioutil.ReadDir",
    }
)
_HTTP_FUNCTIONS = frozenset({"net/http.Get", "net/http.Post", "net/http.Head", "net/http.PostForm"})
_HTTP_CLIENTS = frozenset({"net/http.Client"})
_HTTP_CLIENT_METHODS = frozenset({"Do", "Get", "Post", "Head", "PostForm"})
_SQL_METHODS = frozenset({"Query", "QueryRow", "QueryContext", "QueryRowContext", "Exec", "ExecContext"})
_SQL_SOURCES = frozenset(
    {
        "database/sql.DB",
        "database/sql.Tx",
        "database/sql.Conn",
        "github.com/jmoiron/sqlx.DB",
        "github.com/jackc/pgx/v5/pgxpool.Pool",
        "github.com/jackc/pgx/v5.Conn",
    }
)
_SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)
_COUNT = re.compile(r"COUNT\s*\(", re.IGNORECASE)


@dataclass(frozen=True)
class Work:
    """What a call does, as far as probes care."""

    description: str  # `db.QueryRow("SELECT COUNT(*) …")`
    heavy: bool  # slow or unbounded (RES501)
    dependency: bool  # talks to a dependency (RES502)


@dataclass(frozen=True)
class WorkSite:
    """Work reached from a handler: the handler's call that leads there, and the chain."""

    site: Node
    context: FileContext
    work: Work
    helpers: tuple[str, ...]  # the helper calls between the handler and the work


def _call_shown(call: Node, context: FileContext) -> str:
    """A call as the message shows it: `db.Ping()`, `client.Do(…)`."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    text = context.text(function) if function is not None else "call"
    return text + ("(…)" if arguments is not None and arguments.named_children else "()")


def _string_arguments(call: Node, context: FileContext) -> list[str]:
    arguments = call.child_by_field_name("arguments")
    values = [string_value(unparen(a), context.file) for a in arguments.named_children] if arguments else []
    return [v for v in values if v is not None]


def classify(call: Node, context: FileContext) -> Work | None:
    """The probe-relevant work a single call does, if any."""
    texts = _string_arguments(call, context)
    counting = next((t for t in texts if _COUNT.search(t)), None)
    if counting is not None:
        quoted = " ".join(counting.split())
        quoted = quoted if len(quoted) <= 40 else quoted[:39] + "…"
        function = call.child_by_field_name("function")
        callee = context.text(function) if function is not None else "call"
        return Work(f'{callee}("{quoted}")', heavy=True, dependency=True)
    name = callee_name(call, context)
    if name is not None:
        if str(name) in _LOCAL_WORK:
            return Work(_call_shown(call, context), heavy=True, dependency=False)
        if str(name) in _HTTP_FUNCTIONS:
            return Work(_call_shown(call, context), heavy=True, dependency=True)
        return None
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None
    operand = function.child_by_field_name("operand")
    field = function.child_by_field_name("field")
    if operand is None or field is None or imported_package(operand, context) is not None:
        return _method_on_import(call, context)
    method = context.text(field)
    arguments = call.child_by_field_name("arguments")
    count = len(arguments.named_children) if arguments is not None else 0
    if method in {"Ping", "PingContext"}:
        # `Ping()` and `Ping(context.Background())` have no deadline; other contexts may.
        unbounded = count == 0 or (
            arguments is not None and is_background_context(arguments.named_children[0], context)
        )
        return Work(_call_shown(call, context), heavy=unbounded, dependency=True)
    source = type_of(operand, context)
    if method in _SQL_METHODS and (_known(source, _SQL_SOURCES) or any(_SQL_TEXT.match(t) for t in texts)):
        return Work(_call_shown(call, context), heavy=True, dependency=True)
    if method in _HTTP_CLIENT_METHODS and _known(source, _HTTP_CLIENTS):
        return Work(_call_shown(call, context), heavy=True, dependency=True)
    return None


def _method_on_import(call: Node, context: FileContext) -> Work | None:
    """`http.DefaultClient.Do(req)`: a method on an imported package-level value."""
    function = call.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    field = function.child_by_field_name("field") if function is not None else None
    if operand is None or field is None or context.text(field) not in _HTTP_CLIENT_METHODS:
        return None
    if _known(type_of(operand, context), _HTTP_CLIENTS):
        return Work(_call_shown(call, context), heavy=True, dependency=True)
    return None


def _known(source: TypeRef, names: frozenset[str]) -> bool:
    return source.is_foreign and source.name in names


def _calls_in(function: Node, context: FileContext) -> list[Node]:
    """The calls a function makes while it runs (not those of goroutines it starts)."""
    calls = calls_within(function, context.file.budget)
    return [c for c in calls if not inside_within(c, "go_statement", function, context)]


def first_work(
    function: Node, context: FileContext, wanted: Callable[[Work], bool], depth: int = HELPER_DEPTH
) -> WorkSite | None:
    """The first call of `function` that does wanted work, directly or through helpers."""
    for call in _calls_in(function, context):
        work = classify(call, context)
        if work is not None and wanted(work):
            return WorkSite(call, context, work, ())
        if depth <= 0:
            continue
        callee = call.child_by_field_name("function")
        target = same_package_callee(callee, context) if callee is not None else None
        if target is None:
            continue
        # A helper counts only if every declaration it may be does the work.
        found = [
            first_work(d.node, context.package.context_of(d.file), wanted, depth - 1)
            for d in target.declarations
        ]
        if found and all(f is not None for f in found) and found[0] is not None:
            inner = found[0]
            return WorkSite(call, context, inner.work, (_call_shown(call, context), *inner.helpers))
    return None
