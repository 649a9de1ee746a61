"""Goroutine bodies that run only the standard library: no panic source of their own.

The standard library returns errors for bad input; what panics in Go code is the
project's own (or a dependency's) code: an index out of range, a failed type assertion,
an explicit `panic`. A body whose every call goes to the standard library (a function of
it, a method of one of its types, a builtin, an error's `Error()`), or to a function of
its own package that does the same, and that neither indexes, slices nor asserts a type
(but in the comma-ok form, `v, ok := x.(T)`, which cannot panic), moves bytes and values
between standard-library objects (`io.Copy` between two connections, a `RoundTrip`
whose answer goes on a channel), logging what it does on the way (a logging library's
calls count as the standard library's). Functions that panic by contract
(`regexp.MustCompile`, `log.Panicf`, a logger's `Panic` or `DPanic`) do not count. RES201
weighs the panic of such a body as unlikely.
"""

from __future__ import annotations

from golint_resilience.analysis.resolve import (
    callee_name,
    closure_literal,
    is_comma_ok,
    lookup,
    same_package_callee,
    type_of,
    unparen,
)
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.library import PREDECLARED_TYPES, is_logging_package

_BUILTINS = frozenset(
    {
        "append",
        "cap",
        "clear",
        "close",
        "complex",
        "copy",
        "delete",
        "imag",
        "len",
        "make",
        "max",
        "min",
        "new",
        "real",
    }
)
_PANICKING = frozenset({"index_expression", "slice_expression", "type_assertion_expression"})
_DEPTH = 3
_PANICS_BY_CONTRACT = ("Must", "Panic", "DPanic")


def runs_only_standard_library(function: Node, context: FileContext) -> bool:
    """Does the function's body call only the standard library, builtins and functions that do?"""
    return _standard_only(function, context, _DEPTH, set())


def _standard_only(function: Node, context: FileContext, depth: int, seen: set[int]) -> bool:
    body = function.child_by_field_name("body")
    if body is None or depth <= 0:
        return False
    seen.add(function.id)
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type == "go_statement":
            continue  # another goroutine, judged where it starts
        if node.type in _PANICKING and not (
            node.type == "type_assertion_expression" and is_comma_ok(node, context)
        ):
            return False
        if node.type == "call_expression" and not _standard_call(node, context, depth, seen):
            return False
        stack.extend(node.named_children)
    return True


def _standard_call(call: Node, context: FileContext, depth: int, seen: set[int]) -> bool:
    """A builtin, a standard-library function or method, or a local function that is one."""
    function = call.child_by_field_name("function")
    if function is None:
        return False
    function = unparen(function)
    called = function.child_by_field_name("field") if function.type == "selector_expression" else function
    if called is not None and context.text(called).startswith(_PANICS_BY_CONTRACT):
        return False
    if function.type == "func_literal":
        return True  # its body is walked in place
    if function.type.endswith("_type"):
        return True  # a conversion: `[]byte(s)`
    if function.type == "identifier" and lookup(function, context) is None:
        return (
            context.text(function) in _BUILTINS or context.text(function) in PREDECLARED_TYPES
        )  # a conversion
    qualified = callee_name(call, context)
    if qualified is not None:
        return _no_panic_source(qualified.package, context)
    if function.type == "identifier":
        literal = closure_literal(function, context)
        if literal is not None:
            return literal.id in seen or _standard_only(literal, context, depth - 1, seen)
    if function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        found = type_of(operand, context) if operand is not None else None
        if operand is not None and _logging_chain(operand, context):
            return True  # `log.Debug().Err(err).Msg(…)`: a builder of one log entry
        if _is_error_text(call, context):
            return True
        if found is None or not (found.is_foreign or found.is_local):
            return False  # a method of a value of unknown type: an interface's, maybe
        if found.is_foreign:
            package = found.name.rpartition(".")[0] if "." in found.name else found.origin
            return bool(package) and _no_panic_source(package, context)
    target = same_package_callee(function, context)
    if target is None or not target.declarations:
        return False
    return all(
        d.node.id in seen or _standard_only(d.node, context.package.context_of(d.file), depth - 1, seen)
        for d in target.declarations
    )


def _is_error_text(call: Node, context: FileContext) -> bool:
    """`err.Error()`: an error's text, which `fmt.Print(err)` would ask for the same way."""
    function = call.child_by_field_name("function")
    field = function.child_by_field_name("field") if function is not None else None
    arguments = call.child_by_field_name("arguments")
    return (
        field is not None
        and context.text(field) == "Error"
        and arguments is not None
        and not arguments.named_children
    )


def _logging_chain(operand: Node, context: FileContext) -> bool:
    """Is `operand` a chain of calls that starts at a logging library's function?"""
    while operand.type == "call_expression":
        qualified = callee_name(operand, context)
        if qualified is not None:
            return is_logging_package(qualified.package)
        function = operand.child_by_field_name("function")
        inner = function.child_by_field_name("operand") if function is not None else None
        if function is None or function.type != "selector_expression" or inner is None:
            return False
        operand = unparen(inner)
    return False


def _no_panic_source(path: str, context: FileContext) -> bool:
    return _is_standard_package(path, context) or is_logging_package(path)


def _is_standard_package(path: str, context: FileContext) -> bool:
    """An import path of the standard library: no dot in its first element, not this module's."""
    module = context.package.module
    if module is not None and any(path == m or path.startswith(m + "/") for m in module.local_module_paths):
        return False
    return "." not in path.split("/", 1)[0]
