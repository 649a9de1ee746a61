"""Deferred calls whose every effect dies with the process: an exit that skips them skips no cleanup.

The kernel takes back what a dead process held, and its memory goes with it, so undoing
in-process state on the way out changes nothing anyone can see: unlocking a `sync`
mutex or a lock taken with nothing to check, `wg.Done()`, stopping a timer, closing an
`*os.File` (the kernel closes every descriptor, and what was written is already
the kernel's), a context's cancel function, an environment variable or a signal
registration (knowledge/library.py lists them), closing a channel, updating a metric of
the process's own registry, and a recover guard (it acts only while the goroutine
panics, and an exit is no panic). A deferred literal made only of those is moot too.
A `Sync()` of another package's value (a file, a zap logger) is moot too: it moves to
the disk what the kernel already holds, which an exit does not lose, and zap's loggers
write through to their sink unless the package builds one on a `BufferedWriteSyncer`.
What reaches outside the process is real cleanup and stays: flushing what the process
buffers (a `bufio.Writer`, a gzip or zip writer's Close, glog's or klog's Flush),
removing files, releasing a lock held by a server, shutting connections down, any call
of this package's own.
"""

from __future__ import annotations

from golint_resilience.analysis.resolve import (
    block_statements,
    callee_name,
    enclosing_function,
    inside_within,
    is_builtin,
    parent_type,
    same_node,
    statement_call,
    type_of,
    unparen,
)
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, calls_within
from golint_resilience.knowledge.contexts import is_cancel_function
from golint_resilience.knowledge.library import (
    METRIC_PACKAGES,
    METRIC_UPDATES,
    PROCESS_LOCAL_FUNCTIONS,
    PROCESS_LOCAL_METHODS,
)
from golint_resilience.knowledge.recovery import is_builtin_recover


def is_moot_defer(statement: Node, context: FileContext) -> bool:
    """Is this `defer` one whose skipping by an exit loses nothing outside the process?"""
    call = statement_call(statement)
    if call is None:
        return False
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is not None and unparen(function).type == "func_literal":
        body = unparen(function).child_by_field_name("body")
        if arguments is None or arguments.named_children or body is None:
            return False
        return all(_moot_statement(s, context) for s in block_statements(body))
    return _process_local_call(call, context)


def _moot_statement(statement: Node, context: FileContext) -> bool:
    if statement.type == "expression_statement" and statement.named_children:
        call = unparen(statement.named_children[0])
        return call.type == "call_expression" and _process_local_call(call, context)
    return statement.type == "if_statement" and _is_recover_guard(statement, context)


def _is_recover_guard(statement: Node, context: FileContext) -> bool:
    """`if r := recover(); r != nil {…}`, `if recover() != nil {…}`, no else: only a panic enters it."""
    if statement.child_by_field_name("alternative") is not None:
        return False
    head = [statement.child_by_field_name(n) for n in ("initializer", "condition")]
    return any(n is not None and _calls_recover(n, context) for n in head)


def _calls_recover(node: Node, context: FileContext) -> bool:
    """Does `node` call the builtin `recover()` itself (not inside a function literal of its own)?"""
    return any(
        is_builtin_recover(call, context) and not inside_within(call, "func_literal", node, context)
        for call in calls_within(node, context.file.budget)
    )


def _process_local_call(call: Node, context: FileContext) -> bool:
    function = call.child_by_field_name("function")
    if function is None:
        return False
    function = unparen(function)
    if function.type == "identifier":
        if is_builtin(function, "close", context):
            return True  # closing a channel
        return is_cancel_function(function, context)
    qualified = callee_name(call, context)
    if qualified is not None:
        return str(qualified) in PROCESS_LOCAL_FUNCTIONS
    if function.type != "selector_expression":
        return False
    operand = function.child_by_field_name("operand")
    field = function.child_by_field_name("field")
    if operand is None or field is None:
        return False
    method = context.text(field)
    if method in _UNLOCKS and _releases_lock_taken_here(call, operand, context):
        return True
    owner = type_of(operand, context)
    if method == "Sync" and _takes_no_arguments(call) and not owner.is_local:
        return not context.package.mentioning(_BUFFERED_SYNCER)
    if not owner.is_foreign:
        return False
    if method in PROCESS_LOCAL_METHODS.get(owner.name, frozenset()):
        return True
    return method in METRIC_UPDATES and owner.package in METRIC_PACKAGES


# zap's loggers write through to their sink unless built on this buffering syncer.
_BUFFERED_SYNCER = "BufferedWriteSyncer"
_UNLOCKS = frozenset({"Unlock", "RUnlock"})
_LOCKS = ("Lock", "RLock")


def _releases_lock_taken_here(unlock: Node, operand: Node, context: FileContext) -> bool:
    """`defer x.Unlock()` after the same function took `x.Lock…()` as a statement, whatever x's type.

    A lock whose taking returns nothing to check (`b.tx.Lock()`, `s.LockOutsideApply()`)
    cannot fail, so it is the process's own, like a `sync` mutex wrapped in a type of
    the package. A lock held by a server is taken with a context or an error to check
    (`m.Lock(ctx)`, `if err := m.Lock(); …`), and its release stays real cleanup.
    """
    owner = enclosing_function(unlock, context)
    if owner is None or not _takes_no_arguments(unlock):
        return False
    held = context.text(operand)
    return any(
        call.start_byte < unlock.start_byte
        and parent_type(call, context) == "expression_statement"
        and _takes_no_arguments(call)
        and _method_of(call, held, context).startswith(_LOCKS)
        and same_node(enclosing_function(call, context), owner)
        for call in calls_within(owner, context.file.budget)
    )


def _takes_no_arguments(call: Node) -> bool:
    arguments = call.child_by_field_name("arguments")
    return arguments is not None and not arguments.named_children


def _method_of(call: Node, operand_text: str, context: FileContext) -> str:
    """The method `call` calls on an operand written `operand_text`, else ""."""
    function = call.child_by_field_name("function")
    if function is None or unparen(function).type != "selector_expression":
        return ""
    selector = unparen(function)
    operand, field = selector.child_by_field_name("operand"), selector.child_by_field_name("field")
    if operand is None or field is None or context.text(operand) != operand_text:
        return ""
    return context.text(field)
