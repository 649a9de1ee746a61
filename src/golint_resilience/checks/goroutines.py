"""RES201 goroutine-without-recover, and the `defers-recovery` fact of goroutine targets.

A goroutine is recovered when the function it runs defers, at the top level of its body
(possibly under an `if`), a recovery that works: a literal that calls `recover()`
directly, a function or method of the package or module whose own body calls
`recover()`, or a configured helper. k8s `HandleCrash*` logs and then re-panics.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from golint_resilience.analysis.facts import DEFERS_RECOVERY, RECOVERS, AllOf, FactsBuilder, FunctionFact
from golint_resilience.analysis.resolve import (
    DECLARATION_NODES,
    callee_name,
    enclosing_declaration,
    enclosing_function,
    function_key,
    lookup,
    qualified_name,
    same_package_callee,
    statement_call,
    unparen,
)
from golint_resilience.analysis.triggers import StatementStart
from golint_resilience.checks.recovers import recovers_directly
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node
from golint_resilience.knowledge.defers import DEFER_STATEMENTS, RECOVER_HELPERS_OPTION
from golint_resilience.registry import (
    CheckContext,
    MatchContext,
    Report,
    check,
    fact_extractor,
    fragment,
    report,
)

GO_STATEMENTS = "go_statements"
fragment(GO_STATEMENTS, "(go_statement) @go", (StatementStart(b"go"),))

K8S_RUNTIME = "k8s.io/apimachinery/pkg/util/runtime"
_NESTING = frozenset({"block", "statement_list", "if_statement"})


@dataclass(frozen=True)
class DeferredRecovery:
    """What the top-level defers of one function do about a panic."""

    recovers: bool = False
    pending: tuple[FunctionFact, ...] = ()  # deferred module-local functions that may recover
    handle_crash: str = ""  # a deferred HandleCrash* call, which re-panics


def top_level_defers(function: Node) -> list[Node]:
    """Defer statements of a function's body, outside loops and literals (`if` blocks count)."""
    body = function.child_by_field_name("body")
    found = []
    stack = [body] if body is not None else []
    while stack:
        for child in stack.pop().named_children:
            if child.type == "defer_statement":
                found.append(child)
            elif child.type in _NESTING:
                stack.append(child)
    return sorted(found, key=lambda n: n.start_byte)


def deferred_recovery(function: Node, context: FileContext, ctx: MatchContext) -> DeferredRecovery:
    """Does `function` defer a recovery at its top level? Pending: decided by other packages' facts."""
    helpers = set(ctx.option(*RECOVER_HELPERS_OPTION))
    pending: list[FunctionFact] = []
    handle_crash = ""
    for statement in top_level_defers(function):
        call = statement_call(statement)
        callee = call.child_by_field_name("function") if call is not None else None
        if call is None or callee is None:
            continue
        callee = unparen(callee)
        qualified = callee_name(call, context)
        if qualified is not None:
            if str(qualified) in helpers:
                return DeferredRecovery(recovers=True)
            directory = ctx.module_directory(qualified.package)
            if qualified.package == K8S_RUNTIME and qualified.name.startswith("HandleCrash"):
                handle_crash = context.text(callee)
            elif directory is not None:
                pending.append(FunctionFact(directory, qualified.name, RECOVERS))
        elif _recovering_local(callee, context, ctx):
            return DeferredRecovery(recovers=True)
    return DeferredRecovery(False, tuple(pending), handle_crash)


def _recovering_local(callee: Node, context: FileContext, ctx: MatchContext) -> bool:
    """A deferred literal, closure variable or same-package function that calls recover()."""
    if not ctx.package.mentioning("recover"):
        return False
    if callee.type == "func_literal":
        return recovers_directly(callee, context)
    if callee.type == "identifier":
        binding = lookup(callee, context)
        if binding is not None and binding.is_local:
            value = binding.value_node
            return value is not None and value.type == "func_literal" and recovers_directly(value, context)
    target = same_package_callee(callee, context)
    return target is not None and all(
        recovers_directly(d.node, ctx.package.context_of(d.file)) for d in target.declarations
    )


@fact_extractor(fragments=(DEFER_STATEMENTS,))
def record_recovered_functions(ctx: MatchContext, facts: FactsBuilder) -> None:
    """Functions that defer a recovery at their top level: `go pkg.F()` needs no recover.

    A deferred function of another package of the module counts: whether it recovers is
    not known while this package's facts are built, and precision beats recall.
    """
    seen: set[int] = set()
    for match in ctx.matches(DEFER_STATEMENTS):
        function = enclosing_function(match.node("defer"), match.context)
        if function is None or function.type not in DECLARATION_NODES or function.id in seen:
            continue
        seen.add(function.id)
        verdict = deferred_recovery(function, match.context, ctx)
        if verdict.recovers or verdict.pending:
            facts.add(function_key(function, match.context), DEFERS_RECOVERY)


@check("RES201", fragments=(GO_STATEMENTS,))
def goroutine_without_recover(ctx: CheckContext) -> Iterator[Report]:
    """`go` statements whose function defers no effective recovery."""
    safe = frozenset(ctx.option("RES201", "safe-go-functions"))
    for match in ctx.matches(GO_STATEMENTS):
        statement, context = match.node("go"), match.context
        launcher = enclosing_declaration(statement, context)
        if launcher is not None and _qualified_key(launcher, context) in safe:
            continue
        call = statement_call(statement)
        function = call.child_by_field_name("function") if call is not None else None
        if call is not None and function is not None:
            yield from _judge(ctx, statement, call, unparen(function), context, safe)


def _qualified_key(declaration: Node, context: FileContext) -> str | None:
    """`import/path.F` or `import/path.T.m`: how safe-go-functions name a declaration."""
    path = context.package.import_path
    return f"{path}.{function_key(declaration, context)}" if path is not None else None


def _shown(call: Node, function: Node, context: FileContext) -> str:
    """`w.run(…)`, `cleanup()`, `func() {…}()`: the goroutine as the message names it."""
    arguments = call.child_by_field_name("arguments")
    args = "(…)" if arguments is not None and arguments.named_children else "()"
    name = "func() {…}" if function.type == "func_literal" else context.text(function)
    return name + args


def _judge(
    ctx: CheckContext, statement: Node, call: Node, function: Node, context: FileContext, safe: frozenset[str]
) -> Iterator[Report]:
    target = _shown(call, function, context)
    literal = function if function.type == "func_literal" else _closure_value(function, context)
    if literal is not None:
        yield from _judge_bodies(ctx, statement, context, [(literal, context)], target)
        return
    qualified = qualified_name(function, context)
    if qualified is not None:
        if str(qualified) in safe:
            return
        directory = ctx.module_directory(qualified.package)
        if directory is None:
            reason = f"{qualified} is declared in another module"
            yield report(statement, context, "unresolved", target=target, reason=reason)
        else:
            condition = FunctionFact(directory, qualified.name, DEFERS_RECOVERY, negate=True)
            reason = f"{qualified.name} is not a function declared in {qualified.package}"
            yield report(
                statement, context, condition=condition, if_unknown="unresolved", target=target, reason=reason
            )
        return
    resolved = same_package_callee(function, context)
    if resolved is None:
        method = ctx.module_local_method(function, context)
        reason = _unresolved_reason(function)
        if method is None:
            yield report(statement, context, "unresolved", target=target, reason=reason)
        else:
            condition = FunctionFact(*method, DEFERS_RECOVERY, negate=True)
            yield report(
                statement, context, condition=condition, if_unknown="unresolved", target=target, reason=reason
            )
        return
    bodies = [(d.node, ctx.package.context_of(d.file)) for d in resolved.declarations]
    if any(_qualified_key(node, file) in safe for node, file in bodies):
        return
    yield from _judge_bodies(ctx, statement, context, bodies, target)


def _closure_value(function: Node, context: FileContext) -> Node | None:
    """The literal of `stop := func(…) {…}; go stop(x)`."""
    if function.type != "identifier":
        return None
    binding = lookup(function, context)
    value = binding.value_node if binding is not None and binding.is_local else None
    return value if value is not None and value.type == "func_literal" else None


def _unresolved_reason(function: Node) -> str:
    if function.type == "identifier":
        return "it calls a function value, not a declared function"
    if function.type == "selector_expression":
        return "a method of a value whose type is an interface or not declared in this package"
    return "the function is computed at run time"


def _judge_bodies(
    ctx: CheckContext,
    statement: Node,
    context: FileContext,
    bodies: list[tuple[Node, FileContext]],
    target: str,
) -> Iterator[Report]:
    """Report unless every candidate body recovers (for sure, or through module-local facts)."""
    verdicts = [deferred_recovery(node, file, ctx) for node, file in bodies]
    failing = [v for v in verdicts if not v.recovers]
    if not failing:
        return
    handle_crash = next((v.handle_crash for v in failing if v.handle_crash), "")
    variant = "handle_crash" if handle_crash else "default"
    if any(not v.pending for v in failing):
        yield report(statement, context, variant, target=target, helper=handle_crash)
        return
    unless = tuple(FunctionFact(f.directory, f.key, f.fact, negate=True) for v in failing for f in v.pending)
    yield report(statement, context, variant, condition=AllOf(unless), target=target, helper=handle_crash)
