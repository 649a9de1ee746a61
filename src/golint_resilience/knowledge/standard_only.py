"""Goroutine bodies that run only the standard library: no panic source of their own.

The standard library returns errors for bad input; what panics in Go code is the
project's own (or a dependency's) code: an index out of range, a failed type assertion,
an explicit `panic`. A body whose every call goes to the standard library (a function of
it, a method of one of its types, a builtin, an error's `Error()`), or to a function of
its own package that does the same, and that neither indexes, slices nor asserts a type
(but in the comma-ok form, `v, ok := x.(T)`, which cannot panic), moves bytes and values
between standard-library objects (`io.Copy` between two connections, a `RoundTrip`
whose answer goes on a channel), logging what it does on the way (a logging, metrics or
tracing library's calls count as the standard library's). Reading a map and reslicing a
buffer within what a read put there do not panic; nor do a context's cancel function
and the standard interfaces' methods (`Close`, `SetDeadline`, `Unlock`, an atomic's
`Load`) on a value whose type is not declared in this package. Functions that panic by contract
(`regexp.MustCompile`, `log.Panicf`, a logger's `Panic` or `DPanic`) do not count. RES201
weighs the panic of such a body as unlikely.
"""

from __future__ import annotations

import re

from golint_resilience.analysis.resolve import (
    callee_name,
    closure_literal,
    is_comma_ok,
    lookup,
    made_type,
    parent_of,
    same_node,
    same_package_callee,
    short_declaration_value,
    type_of,
    unparen,
    written_type,
)
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.contexts import is_cancel_function
from golint_resilience.knowledge.library import PREDECLARED_TYPES, is_instrumentation_package

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
# Methods of the standard library's small interfaces: io.Closer, net.Conn's deadlines,
# sync.Locker, the atomics, context.Context. Called on a value whose type is not declared
# in this package (`conn.Close()`, `s.stopped.Load()`), they do what the standard
# library's own types do: end, time out, lock, read a word.
_STANDARD_INTERFACE_METHODS = frozenset(
    {
        "Close",
        "CloseRead",
        "CloseWrite",
        "SetDeadline",
        "SetReadDeadline",
        "SetWriteDeadline",
        "Lock",
        "Unlock",
        "RLock",
        "RUnlock",
        "Load",
        "Store",
        "Done",
        "Err",
    }
)
# Readers that fill a buffer and return how much they wrote into it (io.Reader,
# net.PacketConn, io.ReadFull): `Read`, `ReadFrom`, `ReadFromUDP`, `ReadMsgUDP`, `ReadAt`, `ReadFull`.
_READS = re.compile(r"^Read(?:From\w*|Msg\w*|At|Full|AtLeast)?$")


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
        if node.type in _PANICKING and not _cannot_panic(node, context):
            return False
        if node.type == "call_expression" and not _standard_call(node, context, depth, seen):
            return False
        stack.extend(node.named_children)
    return True


def _cannot_panic(node: Node, context: FileContext) -> bool:
    """An index, slice or type assertion that cannot fail.

    A comma-ok assertion (`v, ok := x.(T)`); reading a map (`m[k]`: a missing key gives
    the zero value), or writing one the variable was made as (only a nil map panics); a
    slice that stays within its operand (`buf[:0]`, `buf[:]`, `buf[:n]` where `n` is what
    a read into `buf` returned, which io.Reader's contract keeps within `len(buf)`).
    """
    if node.type == "type_assertion_expression":
        return is_comma_ok(node, context)
    operand = node.child_by_field_name("operand")
    if operand is None:
        return False
    if node.type == "index_expression":
        written = written_type(operand, context)
        if written is None or written[0].type != "map_type":
            return False
        return not _assigned_to(node, context) or _made(operand, context)
    start = node.child_by_field_name("start")
    end = node.child_by_field_name("end")
    if node.child_by_field_name("capacity") is not None or (start is not None and context.text(start) != "0"):
        return False
    return end is None or context.text(end) == "0" or _read_count(end, operand, context)


def _assigned_to(node: Node, context: FileContext) -> bool:
    """Is the expression written to (`m[k] = v`, `m[k]++`)? A nil map panics there."""
    parent = parent_of(node, context)
    if parent is None or parent.type in {"inc_statement", "dec_statement"}:
        return parent is not None
    statement = parent_of(parent, context) if parent.type == "expression_list" else None
    if statement is None or statement.type != "assignment_statement":
        return False
    return same_node(statement.child_by_field_name("left"), parent)


def _made(variable: Node, context: FileContext) -> bool:
    """Is the variable declared with a value it makes (`m := make(map[K]V)`, `m := T{}`)?"""
    binding = lookup(variable, context) if variable.type == "identifier" else None
    if binding is None or binding.value_node is None:
        return False
    return made_type(unparen(binding.value_node), binding.context) is not None


def _read_count(bound: Node, buffer: Node, context: FileContext) -> bool:
    """Is `bound` the count that a read into `buffer` returned (`n, err := r.Read(buf)`)?"""
    binding = lookup(bound, context) if bound.type == "identifier" else None
    if binding is None or binding.value_node is None or buffer.type != "identifier":
        return False
    call = unparen(binding.value_node)
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    arguments = call.child_by_field_name("arguments")
    read_in = binding.context
    if function is None or arguments is None or not _READS.match(read_in.text(function).rpartition(".")[2]):
        return False
    filled = context.text(buffer)
    return any(a.type == "identifier" and read_in.text(a) == filled for a in arguments.named_children)


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
    if function.type == "identifier" and is_cancel_function(function, context):
        return True
    if function.type == "identifier":
        literal = closure_literal(function, context)
        if literal is not None:
            return literal.id in seen or _standard_only(literal, context, depth - 1, seen)
    if function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        found = type_of(operand, context) if operand is not None else None
        if operand is not None and _records(operand, context):
            return True  # `log.Debug().Err(err).Msg(…)`, `span.End()`: it records the work
        if _is_error_text(call, context):
            return True
        local = found is not None and found.is_local
        if called is not None and context.text(called) in _STANDARD_INTERFACE_METHODS and not local:
            return True  # `conn.Close()` on a value of a type not declared here
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


def _records(operand: Node, context: FileContext, depth: int = 2) -> bool:
    """Is `operand` a logging, metrics or tracing library's value?

    A chain of calls that starts at one of its functions or values (`log.Debug().Err(err)`,
    `latency.WithLabelValues(m)`), or a variable a short declaration assigns from one
    (`_, span := otel.Tracer(n).Start(ctx, n)`).
    """
    operand = unparen(operand)
    while operand.type == "call_expression":
        qualified = callee_name(operand, context)
        if qualified is not None:
            return is_instrumentation_package(qualified.package)
        function = operand.child_by_field_name("function")
        inner = function.child_by_field_name("operand") if function is not None else None
        if function is None or function.type != "selector_expression" or inner is None:
            return False
        operand = unparen(inner)
    found = type_of(operand, context)
    if found.is_foreign:
        return is_instrumentation_package(found.package)
    binding = lookup(operand, context) if operand.type == "identifier" and depth > 0 else None
    if binding is None or not binding.is_local:
        return False
    value = short_declaration_value(binding)
    return value is not None and _records(value, binding.context, depth - 1)


def _no_panic_source(path: str, context: FileContext) -> bool:
    return _is_standard_package(path, context) or is_instrumentation_package(path)


def _is_standard_package(path: str, context: FileContext) -> bool:
    """An import path of the standard library: no dot in its first element, not this module's."""
    module = context.package.module
    if module is not None and any(path == m or path.startswith(m + "/") for m in module.local_module_paths):
        return False
    return "." not in path.split("/", 1)[0]
