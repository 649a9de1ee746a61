"""RES201 goroutine-without-recover, by risk; the `defers-recovery` fact of goroutine targets.

A goroutine is recovered when the function it runs defers, at the top level of its body
(possibly under an `if`), a recovery that works: a literal that calls `recover()`
directly, a function or method of the package or module whose own body calls
`recover()`, or a configured helper. k8s `HandleCrash*` logs and then re-panics.

An unrecovered goroutine is reported when a panic in it is likely and costly
(knowledge/goroutine_risk.py: per request, per connection, per item, running a function
passed in) or, for background work, when the module's own policy is to recover
goroutines: some goroutine of the module recovers (the `recovers_goroutines` flag). A
module that recovers none is visibly crash-and-restart; the run says so once in its
summary. Goroutines of a main package outside a request path start the program (its
servers, its signal loop): crashing there is right. Trivial bodies are never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from golint_resilience.analysis.facts import (
    DEFERS_RECOVERY,
    RECOVERS,
    RECOVERS_GOROUTINES,
    AllOf,
    Condition,
    FactsBuilder,
    FunctionFact,
    ModuleFlag,
)
from golint_resilience.analysis.resolve import (
    DECLARATION_NODES,
    block_statements,
    callee_name,
    closure_literal,
    enclosing_declaration,
    enclosing_function,
    function_key,
    lookup,
    module_local_method,
    qualified_name,
    same_node,
    same_package_callee,
    statement_call,
    unparen,
)
from golint_resilience.analysis.triggers import SelectorCall, StatementStart
from golint_resilience.golang.index import FileContext
from golint_resilience.golang.parsing import Node, calls_within
from golint_resilience.knowledge.defers import DEFER_STATEMENTS, RECOVER_HELPERS_OPTION
from golint_resilience.knowledge.goroutine_risk import (
    Risk,
    goroutine_risk,
    is_goroutine_starter,
    is_lifecycle,
    passed_in_call,
    trivial_body,
    waits_then_tears_down,
)
from golint_resilience.knowledge.recovery import recovers_directly
from golint_resilience.knowledge.standard_only import runs_only_standard_library
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
    by_helper: bool = False  # the recovery is a named function (a project's helper), not a literal


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
                return DeferredRecovery(recovers=True, by_helper=True)
            directory = ctx.module_directory(qualified.package)
            if qualified.package == K8S_RUNTIME and qualified.name.startswith("HandleCrash"):
                handle_crash = context.text(callee)
            elif directory is not None:
                pending.append(FunctionFact(directory, qualified.name, RECOVERS))
        elif (local := _recovering_local(callee, context, ctx)) is not None:
            return DeferredRecovery(recovers=True, by_helper=local == "helper")
    return DeferredRecovery(False, tuple(pending), handle_crash)


def _recovery(function: Node, context: FileContext, ctx: MatchContext) -> DeferredRecovery:
    """How a goroutine's body is recovered: by its own defers, else by the runner it runs its work in."""
    deferred = deferred_recovery(function, context, ctx)
    if deferred.recovers or deferred.pending or deferred.handle_crash:
        return deferred
    return _runner_recovery(function, context, ctx)


def _runner_recovery(function: Node, context: FileContext, ctx: MatchContext) -> DeferredRecovery:
    """Does the body run all its work in literals handed to one function that defers a recovery?

    `for i := range tasks { threading.RunSafe(func() { run(tasks[i]) }) }`: the runner's
    recovery covers each literal it runs, and the loop around them does nothing else.
    Pending when the runner is another package's of the module: its facts decide.
    """
    body = function.child_by_field_name("body")
    calls = _runner_calls(body, context) if body is not None else None
    runners = [c.child_by_field_name("function") for c in calls or ()]
    if not calls or None in runners or len({context.text(r) for r in runners if r is not None}) != 1:
        return DeferredRecovery()
    qualified = callee_name(calls[0], context)
    if qualified is not None:
        directory = ctx.module_directory(qualified.package)
        pending = (FunctionFact(directory, qualified.name, DEFERS_RECOVERY),) if directory is not None else ()
        return DeferredRecovery(pending=pending)
    runner = runners[0]
    target = same_package_callee(unparen(runner), context) if runner is not None else None
    recovers = target is not None and all(
        deferred_recovery(d.node, ctx.package.context_of(d.file), ctx).recovers for d in target.declarations
    )
    return DeferredRecovery(recovers=recovers, by_helper=recovers)


def _runner_calls(block: Node, context: FileContext) -> list[Node] | None:
    """The calls of a block made only of `runner(func() {…})` statements, in loops or not; else None.

    A loop counts when its header calls nothing (`for _, t := range tasks`).
    """
    calls: list[Node] = []
    for statement in block_statements(block):
        if statement.type == "for_statement":
            inner = statement.child_by_field_name("body")
            header = [c for c in statement.named_children if not same_node(c, inner)]
            found = _runner_calls(inner, context) if inner is not None else None
            if found is None or any(calls_within(h, context.file.budget) for h in header):
                return None
            calls.extend(found)
            continue
        call = statement_call(statement) if statement.type == "expression_statement" else None
        arguments = call.child_by_field_name("arguments") if call is not None else None
        handed = arguments.named_children if arguments is not None else []
        if call is None or not any(a.type == "func_literal" for a in handed):
            return None
        calls.append(call)
    return calls


def _recovering_local(callee: Node, context: FileContext, ctx: MatchContext) -> str | None:
    """How a deferred call recovers here: "literal" (a literal or closure variable), "helper".

    A helper is a same-package function that calls recover(); None: it does not recover here.
    """
    if not ctx.package.mentioning("recover"):
        return None
    if callee.type == "func_literal":
        return "literal" if recovers_directly(callee, context) else None
    if callee.type == "identifier":
        binding = lookup(callee, context)
        if binding is not None and binding.is_local:
            value = binding.value_node
            literal = value is not None and value.type == "func_literal" and recovers_directly(value, context)
            return "literal" if literal else None
    target = same_package_callee(callee, context)
    recovers = target is not None and all(
        recovers_directly(d.node, ctx.package.context_of(d.file)) for d in target.declarations
    )
    return "helper" if recovers else None


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


GO_METHOD_CALLS = "go_method_calls"
fragment(
    GO_METHOD_CALLS,
    """
(call_expression
  function: (selector_expression
    operand: (_) @receiver
    field: (field_identifier) @method)
  arguments: (argument_list . (_) @task .)
  (#eq? @method "Go")) @start
""",
    (SelectorCall((b"Go",)),),
)

_REPANIC = re.compile(rb"\bpanic\s*\(")  # a launcher that recovers only to panic again sets no policy
_POLICY_NOTE = (
    "{module} has no goroutine recovery helper or launcher: RES201 reports only its goroutines "
    "on a request path (per request, connection or item, or running a function passed in)"
)


@dataclass(frozen=True)
class GoroutineStart:
    """A goroutine started by a `go` statement or by a starter's `Go(f)` (sync.WaitGroup, errgroup)."""

    node: Node  # what a finding flags
    target: Node  # the function it runs: `f` of `go f(x)` or `wg.Go(f)`, or a literal
    shown: str  # how the message names it: `go w.run(…)`, `g.Go(func() {…})`
    context: FileContext


def goroutine_starts(ctx: MatchContext) -> Iterator[GoroutineStart]:
    """Every goroutine start of the package, go statements first."""
    for match in ctx.matches(GO_STATEMENTS):
        statement, context = match.node("go"), match.context
        call = statement_call(statement)
        function = call.child_by_field_name("function") if call is not None else None
        if call is not None and function is not None:
            shown = "go " + _shown(call, function, context)
            yield GoroutineStart(statement, unparen(function), shown, context)
    for match in ctx.matches(GO_METHOD_CALLS):
        context = match.context
        if not is_goroutine_starter(match.node("receiver"), context):
            continue
        task = unparen(match.node("task"))
        function = match.node("start").child_by_field_name("function")
        runs = "func() {…}" if task.type == "func_literal" else context.text(task)
        shown = f"{context.text(function) if function is not None else 'Go'}({runs})"
        yield GoroutineStart(match.node("start"), task, shown, context)


@fact_extractor(fragments=(GO_STATEMENTS, GO_METHOD_CALLS))
def record_recovery_policy(ctx: MatchContext, facts: FactsBuilder) -> None:
    """A package whose goroutines show a policy of recovering: its module's policy.

    A policy is a project's own way to recover goroutines, used where it starts them: a
    recovering launcher (a goroutine that recovers and runs a function passed in, as
    `safe.Go(fn)` does; or a listed safe-go function), or a named recovery helper that a
    goroutine defers (`defer logPanic("worker")`, a configured recover-helper). A literal
    that recovers is a local decision (a parser that may panic), not a policy. Only what
    this package shows counts: a helper of another package is not known yet.
    """
    safe = frozenset(ctx.option("RES201", "safe-go-functions"))
    for start in goroutine_starts(ctx):
        if _in_safe_launcher(start, safe) or _shows_policy(ctx, start, safe):
            line = start.node.start_point[0] + 1
            facts.flag(RECOVERS_GOROUTINES, f"`{start.shown}` at {start.context.file.display}:{line}")
            return


def _shows_policy(ctx: MatchContext, start: GoroutineStart, safe: frozenset[str]) -> bool:
    qualified = qualified_name(start.target, start.context)
    if qualified is not None:
        return str(qualified) in safe
    bodies = _local_bodies(ctx, start)
    verdicts = [deferred_recovery(node, file, ctx) for node, file in bodies]
    if not verdicts or not all(v.recovers for v in verdicts):
        return False
    target, context = start.target, start.context
    launcher = (
        target.type == "func_literal"
        and passed_in_call(target, enclosing_function(start.node, context), context) is not None
        and _REPANIC.search(context.file.data, target.start_byte, target.end_byte) is None
    )
    return launcher or all(v.by_helper for v in verdicts)


def _local_bodies(ctx: MatchContext, start: GoroutineStart) -> list[tuple[Node, FileContext]]:
    """The bodies the goroutine may run when this package declares them (none: not known here)."""
    target, context = start.target, start.context
    literal = target if target.type == "func_literal" else closure_literal(target, context)
    if literal is not None:
        return [(literal, context)]
    resolved = same_package_callee(target, context)
    if resolved is None:
        return []
    return [(d.node, ctx.package.context_of(d.file)) for d in resolved.declarations]


@check("RES201", fragments=(GO_STATEMENTS, GO_METHOD_CALLS))
def goroutine_without_recover(ctx: CheckContext) -> Iterator[Report]:
    """Goroutines that defer no effective recovery, where a panic is likely and costly."""
    safe = frozenset(ctx.option("RES201", "safe-go-functions"))
    policy = _module_policy(ctx)
    program = ctx.package.is_main and not ctx.own_facts.roles.c_exports  # not a C library's main
    for start in goroutine_starts(ctx):
        if _in_safe_launcher(start, safe):
            continue
        risk = goroutine_risk(start.node, start.target, start.context)
        if risk is None and program:
            continue  # a program's own goroutines start it (servers, signal loop): crashing there is right
        if risk is None and is_lifecycle(start.node, start.target, start.context):
            continue  # a component starting or stopping its parts: not work of its own
        why = risk or Risk("is background work", "one panic in it kills the whole process")
        yield from _judge(ctx, start, why, None if risk is not None else policy, safe)


def _module_policy(ctx: CheckContext) -> ModuleFlag:
    """Holds when the module recovers some goroutine: then background goroutines should too."""
    module = ctx.package.module
    root = module.root if module is not None else ctx.package.directory
    name = f"module {module.path}" if module is not None else f"package {ctx.package.directory}"
    return ModuleFlag(
        str(root.resolve()),
        RECOVERS_GOROUTINES,
        witness="risk",
        describe="is background work of a module whose goroutines recover through its helpers ({})",
        absent_note=_POLICY_NOTE.format(module=name),
    )


def _in_safe_launcher(start: GoroutineStart, safe: frozenset[str]) -> bool:
    """Inside the implementation of a listed safe function (a recovering launcher)?"""
    launcher = enclosing_declaration(start.node, start.context)
    return launcher is not None and _qualified_key(launcher, start.context) in safe


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
    ctx: CheckContext, start: GoroutineStart, risk: Risk, policy: ModuleFlag | None, safe: frozenset[str]
) -> Iterator[Report]:
    """Report unless the goroutine recovers; `policy`, when set, must hold too."""
    function, context = start.target, start.context
    bodies = _local_bodies(ctx, start)
    if bodies:
        if not any(_qualified_key(node, file) in safe for node, file in bodies):
            yield from _judge_bodies(ctx, start, bodies, risk, policy)
        return
    if risk.runs_target:  # the function passed in is the whole point: nothing more to inspect
        yield _report(start, "default", risk, policy)
        return
    qualified = qualified_name(function, context)
    if qualified is not None:
        if str(qualified) in safe:
            return
        directory = ctx.module_directory(qualified.package)
        if directory is None:
            reason = f"{qualified} is declared in another module"
            yield _report(start, "unresolved", risk, policy, reason=reason)
        else:
            condition = FunctionFact(directory, qualified.name, DEFERS_RECOVERY, negate=True)
            reason = f"{qualified.name} is not a function declared in {qualified.package}"
            yield _report(start, "default", risk, policy, condition, if_unknown="unresolved", reason=reason)
        return
    method = module_local_method(function, context)
    reason = _unresolved_reason(function)
    if method is None:
        yield _report(start, "unresolved", risk, policy, reason=reason)
    else:
        condition = FunctionFact(*method, DEFERS_RECOVERY, negate=True)
        yield _report(start, "default", risk, policy, condition, if_unknown="unresolved", reason=reason)


def _report(
    start: GoroutineStart,
    variant: str,
    risk: Risk,
    policy: ModuleFlag | None,
    condition: Condition | None = None,
    *,
    if_unknown: str | None = None,
    reason: str = "",
    helper: str = "",
) -> Report:
    """A RES201 report: the goroutine's values, its condition joined to the module policy."""
    conditions = tuple(c for c in (policy, condition) if c is not None)
    combined = conditions[0] if len(conditions) == 1 else AllOf(conditions) if conditions else None
    return report(
        start.node,
        start.context,
        variant,
        condition=combined,
        if_unknown=if_unknown,
        unless_served=risk.unless_served,
        start=start.shown,
        risk=risk.risk,
        consequence=risk.consequence,
        reason=reason,
        helper=helper,
    )


def _unresolved_reason(function: Node) -> str:
    if function.type == "identifier":
        return "it calls a function value, not a declared function"
    if function.type == "selector_expression":
        return "a method of a value whose type is an interface or not declared in this package"
    return "the function is computed at run time"


def _unlikely_to_panic(body: Node, context: FileContext) -> bool:
    """Trivial, a watcher that tears down once, or only the standard library's work."""
    return (
        trivial_body(body, context)
        or waits_then_tears_down(body)
        or runs_only_standard_library(body, context)
    )


def _judge_bodies(
    ctx: CheckContext,
    start: GoroutineStart,
    bodies: list[tuple[Node, FileContext]],
    risk: Risk,
    policy: ModuleFlag | None,
) -> Iterator[Report]:
    """Report unless every candidate body recovers (for sure, or through module-local facts) or is trivial."""
    if all(_unlikely_to_panic(node, file) for node, file in bodies):
        return
    verdicts = [_recovery(node, file, ctx) for node, file in bodies]
    failing = [v for v in verdicts if not v.recovers]
    if not failing:
        return
    handle_crash = next((v.handle_crash for v in failing if v.handle_crash), "")
    variant = "handle_crash" if handle_crash else "default"
    if any(not v.pending for v in failing):
        yield _report(start, variant, risk, policy, helper=handle_crash)
        return
    unless = tuple(FunctionFact(f.directory, f.key, f.fact, negate=True) for v in failing for f in v.pending)
    yield _report(start, variant, risk, policy, AllOf(unless), helper=handle_crash)
