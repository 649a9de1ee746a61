"""RES202 ineffective-recover, RES203 silent-recover, and the `recovers` fact.

What a `recover()` call is and when it stops a panic is knowledge/recovery.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.analysis.facts import RECOVERS, FactsBuilder, FunctionFact
from golint_resilience.analysis.resolve import (
    ancestors,
    callee_name,
    enclosing_function,
    function_key,
    is_deferred_literal,
    parent_of,
    parent_type,
    same_node,
    same_package_callee,
    statement_call,
    unparen,
)
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, captures_within
from golint_resilience.knowledge.defers import DEFER_STATEMENTS
from golint_resilience.knowledge.recovery import (
    RECOVER_CALLS,
    RecoverCall,
    recover_calls,
)
from golint_resilience.registry import (
    CheckContext,
    MatchContext,
    Report,
    check,
    fact_extractor,
    report,
)

_CALLS = "(call_expression function: (_) @function) @call"


@fact_extractor(fragments=(RECOVER_CALLS,))
def record_recovering_functions(ctx: MatchContext, facts: FactsBuilder) -> None:
    """A function or method whose own body calls `recover()`: `defer f()` stops a panic."""
    for site in recover_calls(ctx):
        owner = site.owner
        if (
            owner is None
            or owner.type == "func_literal"
            or parent_type(site.call, site.context) == "defer_statement"
        ):
            continue
        facts.add(function_key(owner, site.context), RECOVERS)


# --- RES202 ineffective-recover ---------------------------------------------------------


def _ineffective_variant(site: RecoverCall) -> tuple[str, Node | None]:
    """The RES202 message variant of a recover() call, "" when it may well stop a panic.

    The node is the deferred function that `recover()` is an argument of, if any.
    """
    statement = _enclosing_defer(site.call, site.owner, site.context)
    if statement is not None:
        if parent_type(site.call, site.context) == "defer_statement":
            return "deferred_itself", None
        return "argument", _deferred_function(statement)
    owner = site.owner
    if owner is None or owner.type != "func_literal":
        return ("not_deferred", None) if _never_deferred(owner, site.context) else ("", None)
    context = site.context
    if is_deferred_literal(owner, context) or _stored(owner, context):
        return "", None
    if _inside_deferred_literal(owner, context):
        return "nested", None
    return ("not_deferred", None) if _called_in_place(owner, context) else ("", None)


def _enclosing_defer(call: Node, owner: Node | None, context: FileContext) -> Node | None:
    """The defer statement whose call expression (not a literal in it) contains `call`."""
    for ancestor in ancestors(call, context):
        if owner is not None and same_node(ancestor, owner):
            return None
        if ancestor.type == "defer_statement":
            return ancestor
    return None


def _deferred_function(statement: Node) -> Node | None:
    call = statement_call(statement)
    return call.child_by_field_name("function") if call is not None else None


def _callee_text(function: Node | None, context: FileContext) -> str:
    if function is None:
        return ""
    return "func(…) {…}" if function.type == "func_literal" else context.text(function)


def _never_deferred(declaration: Node | None, context: FileContext) -> bool:
    """Can this function or method certainly never be the deferred call itself?

    `init()` cannot be referred to, and nothing defers `main()` of a package main. Any
    other function qualifies when no other package can refer to it (unexported, or in a
    package main) and each of its references in the package calls it on the spot.
    """
    if declaration is None:
        return False
    name = function_key(declaration, context)
    if name == "init" or (name == "main" and context.package.is_main):
        return declaration.type == "function_declaration"
    name_node = declaration.child_by_field_name("name")
    if name_node is None:
        return False
    short_name = context.text(name_node)
    if short_name[:1].isupper() and not context.package.is_main:
        return False  # another package may defer it
    kind = "field_identifier" if declaration.type == "method_declaration" else "identifier"
    query = f'(({kind}) @reference (#eq? @reference "{short_name}"))'
    return all(
        same_node(reference, name_node) or _called_outside_defers(reference, file_context)
        for file_context in context.package.mentioning(short_name)
        for captures in captures_within(file_context.file.root, query, file_context.file.budget)
        for reference in captures["reference"]
    )


def _called_outside_defers(reference: Node, context: FileContext) -> bool:
    """Is this reference `f(…)` or `x.f(…)` called on the spot, and not by a deferred literal?

    A call from a deferred literal is RES202's `helper` case, reported at that call.
    """
    parent = parent_of(reference, context)
    function = parent if parent is not None and parent.type == "selector_expression" else reference
    call = parent_of(function, context)
    if (
        call is None
        or call.type != "call_expression"
        or not same_node(call.child_by_field_name("function"), function)
    ):
        return False
    return parent_type(call, context) != "defer_statement" and not is_deferred_literal(
        enclosing_function(call, context), context
    )


def _stored(literal: Node, context: FileContext) -> bool:
    """A literal assigned to a name, a field or returned: it may be deferred elsewhere."""
    parent = next(
        (
            a
            for a in ancestors(literal, context)
            if a.type not in {"expression_list", "parenthesized_expression"}
        ),
        None,
    )
    return parent is not None and parent.type in {
        "short_var_declaration",
        "assignment_statement",
        "var_spec",
        "return_statement",
        "keyed_element",
        "literal_element",
    }


def _called_in_place(literal: Node, context: FileContext) -> bool:
    """`func() { … }()` or `go func() { … }()`: run at once, never deferred."""
    call = parent_of(literal, context)
    return (
        call is not None
        and call.type == "call_expression"
        and same_node(call.child_by_field_name("function"), literal)
    )


def _inside_deferred_literal(literal: Node, context: FileContext) -> bool:
    """Is the literal nested (at any depth of literals) inside a deferred literal?"""
    for ancestor in ancestors(literal, context):
        if ancestor.type in {"function_declaration", "method_declaration"}:
            return False
        if is_deferred_literal(ancestor, context):
            return True
    return False


@check("RES202", fragments=(RECOVER_CALLS, DEFER_STATEMENTS))
def ineffective_recover(ctx: CheckContext) -> Iterator[Report]:
    """recover() calls that cannot stop a panic, and recovering helpers called one level too deep."""
    for site in recover_calls(ctx):
        variant, deferred = _ineffective_variant(site)
        if not variant:
            continue
        yield report(site.call, site.context, variant, call=_callee_text(deferred, site.context))
    for call, function, context in _calls_of_deferred_literals(ctx):
        yield from _helper_called_too_deep(ctx, call, function, context)


def _calls_of_deferred_literals(ctx: CheckContext) -> Iterator[tuple[Node, Node, FileContext]]:
    """(call, its function) of each call that the body of a `defer func() { … }()` makes itself.

    One search per outermost deferred literal: the literals nested in it are searched with
    it (searching each of them again would cost depth × size on deeply nested defers).
    """
    literals = []
    for match in ctx.matches(DEFER_STATEMENTS):
        literal = _deferred_function(match.node("defer"))
        if literal is not None and literal.type == "func_literal":
            literals.append((match.context, literal))
    deferred = {literal.id for _, literal in literals}
    searched: tuple[FileContext | None, int] = (None, -1)  # a file, and where its last search ends
    for context, literal in sorted(literals, key=lambda item: (item[0].file.display, item[1].start_byte)):
        if searched[0] is context and literal.start_byte < searched[1]:
            continue  # inside a literal already searched
        searched = (context, literal.end_byte)
        for captures in captures_within(literal, _CALLS, context.file.budget):
            call = captures["call"][0]
            function = unparen(captures["function"][0])
            owner = enclosing_function(call, context)
            if (
                owner is None
                or owner.id not in deferred
                or function.type == "func_literal"
                or parent_type(call, context) in {"defer_statement", "go_statement"}
            ):
                continue
            yield call, function, context


def _helper_called_too_deep(
    ctx: CheckContext, call: Node, function: Node, context: FileContext
) -> Iterator[Report]:
    """`defer func() { helper() }()` where helper calls recover(): it runs one call too deep."""
    text = context.text(function)
    qualified = callee_name(call, context)
    if qualified is not None:
        directory = ctx.module_directory(qualified.package)
        if directory is not None:
            condition = FunctionFact(directory, qualified.name, RECOVERS)
            yield report(call, context, "helper", condition=condition, call=text)
        return
    if not ctx.package.mentioning("recover"):
        return  # no function of the package recovers
    target = same_package_callee(function, context)
    if target is None:
        return
    if all(ctx.own_facts.function_has(key, RECOVERS) for key in target.fact_keys()):
        yield report(call, context, "helper", call=text)


# --- RES203 silent-recover --------------------------------------------------------------


@check("RES203", fragments=(RECOVER_CALLS,))
def silent_recover(ctx: CheckContext) -> Iterator[Report]:
    """recover() whose value is thrown away or only compared to nil, in a branch that does nothing."""
    for site in recover_calls(ctx):
        if _is_silent(site):
            yield report(site.call, site.context)


def _is_silent(site: RecoverCall) -> bool:
    call, context = site.call, site.context
    parent = parent_of(call, context)
    if parent is None:
        return False
    if parent.type == "expression_statement":
        return True
    if parent.type == "binary_expression":
        return _nil_check_branch_is_empty(parent, context)
    statement = parent_of(parent, context) if parent.type == "expression_list" else None
    if statement is None:
        return False
    left = statement.child_by_field_name("left")
    names = left.named_children if left is not None else []
    if statement.type not in {"short_var_declaration", "assignment_statement"} or len(names) != 1:
        return False
    name = site.context.text(names[0])
    if name == "_":
        return True
    return statement.type == "short_var_declaration" and _only_nil_checked(name, names[0], site)


def _nil_check_branch_is_empty(comparison: Node, context: FileContext) -> bool:
    """`x == nil` / `x != nil` as an if condition whose branch calls, assigns and returns nothing."""
    operator = comparison.child_by_field_name("operator")
    operands = [comparison.child_by_field_name(f) for f in ("left", "right")]
    if (
        operator is None
        or operator.type not in {"==", "!="}
        or not any(o is not None and o.type == "nil" for o in operands)
    ):
        return False
    statement = parent_of(comparison, context)
    if statement is None or statement.type != "if_statement":
        return False
    for branch in (
        statement.child_by_field_name("consequence"),
        statement.child_by_field_name("alternative"),
    ):
        if branch is not None and captures_within(branch, _EFFECTS, context.file.budget):
            return False
    return True


_EFFECTS = """
(call_expression) @effect
(assignment_statement) @effect
(inc_statement) @effect
(dec_statement) @effect
(send_statement) @effect
(return_statement (expression_list)) @effect
"""


def _only_nil_checked(name: str, declared: Node, site: RecoverCall) -> bool:
    """`r := recover()` where every later use of r is a nil check whose branch is empty."""
    scope = site.owner
    if scope is None:
        return False
    uses = [
        c["use"][0]
        for c in captures_within(scope, f'((identifier) @use (#eq? @use "{name}"))', site.context.file.budget)
        if not same_node(c["use"][0], declared)
    ]
    parents = [parent_of(use, site.context) for use in uses]
    return all(
        parent is not None
        and parent.type == "binary_expression"
        and _nil_check_branch_is_empty(parent, site.context)
        for parent in parents
    )
