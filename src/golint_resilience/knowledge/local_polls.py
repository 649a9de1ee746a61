"""Is a retry loop a poll of the local machine? RES601 and RES602 leave those alone.

A loop that waits for a file lock, a kernel route or a local daemon's socket retries
nothing shared: its fixed delay synchronises no fleet, and waiting until the state
appears is often the function's contract (a blocking lock). The attempts of a loop are
the calls whose error it keeps (`f, err := os.OpenFile(…)`, `err = os.RemoveAll(dir)`);
the loop polls locally when each of them reaches only the machine
(`knowledge/library.LOCAL_RESOURCE_PACKAGES`, a Unix-socket dial).
"""

from __future__ import annotations

from golint_resilience.analysis.resolve import FUNCTION_NODES, callee_name, type_of, unparen
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.library import LOCAL_NETWORKS, LOCAL_RESOURCE_PACKAGES, NETWORK_DIALS
from golint_resilience.knowledge.retry_loops import ERROR_NAME

_ASSIGNMENTS = frozenset({"short_var_declaration", "assignment_statement"})


def polls_local_state(loop: Node, context: FileContext) -> bool:
    """Does every attempt of the loop (a call whose error it keeps) reach only this machine?"""
    attempts = _attempts(loop, context)
    return bool(attempts) and all(_is_local(call, context) for call in attempts)


def _attempts(loop: Node, context: FileContext) -> list[Node]:
    """Calls assigned to an error variable in the loop, outside nested function literals."""
    found = []
    stack = [loop.child_by_field_name("body")]
    while stack:
        node = stack.pop()
        if node is None or node.type in FUNCTION_NODES:
            continue
        if node.type in _ASSIGNMENTS:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            names = [context.text(n) for n in left.named_children] if left is not None else []
            values = [unparen(v) for v in right.named_children] if right is not None else []
            if (
                any(ERROR_NAME.search(n) for n in names)
                and len(values) == 1
                and values[0].type == "call_expression"
            ):
                found.append(values[0])
        stack.extend(node.named_children)
    return found


def _is_local(call: Node, context: FileContext) -> bool:
    """`os.OpenFile(…)`, `h.RouteList(…)` on a netlink handle, `net.Dial("unix", …)`."""
    name = callee_name(call, context)
    if name is not None:
        if str(name) in NETWORK_DIALS:
            return _dials_locally(call, context)
        return name.package in LOCAL_RESOURCE_PACKAGES
    function = call.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    if function is None or function.type != "selector_expression" or operand is None:
        return False
    found = type_of(operand, context)
    package = found.name.rpartition(".")[0] if found.name else found.origin
    return found.is_foreign and package in LOCAL_RESOURCE_PACKAGES


def _dials_locally(call: Node, context: FileContext) -> bool:
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return (
        first is not None
        and first.type == "interpreted_string_literal"
        and context.text(first).strip('"') in LOCAL_NETWORKS
    )
