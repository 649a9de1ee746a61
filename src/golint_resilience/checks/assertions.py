"""RES204 unchecked-type-assertion: `x.(T)` in its single-value form panics on a mismatch."""

from __future__ import annotations

from collections.abc import Iterator

from golint_resilience.analysis.resolve import enclosing, is_comma_ok, parent_of, unparen
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.registry import CheckContext, Report, check, fragment, report

TYPE_ASSERTIONS = "type_assertions"
_TYPE_CASE = frozenset({"type_case"})
fragment(TYPE_ASSERTIONS, "(type_assertion_expression) @assertion", (b".(",))


@check("RES204", fragments=(TYPE_ASSERTIONS,))
def unchecked_type_assertion(ctx: CheckContext) -> Iterator[Report]:
    """Single-value type assertions, except where a type switch case already matched the type."""
    for match in ctx.matches(TYPE_ASSERTIONS):
        assertion, context = match.node("assertion"), match.context
        asserted = assertion.child_by_field_name("type")
        if (
            asserted is None
            or is_comma_ok(assertion, context)
            or _matched_by_case(assertion, asserted, context)
        ):
            continue
        yield report(assertion, context, assertion=context.text(assertion), type=context.text(asserted))


def _matched_by_case(assertion: Node, asserted: Node, context: FileContext) -> bool:
    """`switch x.(type) { case T: … x.(T) … }`: the case with exactly T already matched it."""
    operand = assertion.child_by_field_name("operand")
    if operand is None:
        return False
    subject = context.text(unparen(operand))
    wanted = context.text(asserted)
    case = enclosing(assertion, _TYPE_CASE, context)
    while case is not None:
        switch = parent_of(case, context)
        value = switch.child_by_field_name("value") if switch is not None else None
        types = case.children_by_field_name("type")
        if value is not None and context.text(unparen(value)) == subject:
            return [context.text(t) for t in types] == [wanted]
        case = enclosing(case, _TYPE_CASE, context)
    return False
