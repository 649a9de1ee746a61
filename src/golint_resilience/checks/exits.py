"""RES101 exit-outside-main, RES102 exit-after-defer, RES103 exit-in-defer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from golint_resilience.analysis.facts import EXITS, RECOVERS, AllOf, FunctionFact
from golint_resilience.analysis.resolve import (
    QualifiedName,
    ancestors,
    callee_name,
    callee_text,
    enclosing,
    enclosing_declaration,
    enclosing_function,
    function_key,
    imported_package,
    inside_within,
    is_deferred_literal,
    parent_of,
    qualified_name,
    same_package_callee,
    signature,
    statement_call,
    type_of,
    unary_operator,
)
from golint_resilience.analysis.triggers import Imports
from golint_resilience.golang.index import FileContext, receiver_type_name
from golint_resilience.golang.parsing import Node, calls_within, captures_within
from golint_resilience.knowledge.commands import runs_as_command, runs_as_named_command
from golint_resilience.knowledge.defers import DEFER_STATEMENTS
from golint_resilience.knowledge.exit_calls import EXIT_CALLS, exit_calls, exit_wrappers
from golint_resilience.knowledge.goroutine_risk import is_goroutine_starter
from golint_resilience.knowledge.library import (
    EXIT_FUNCTIONS,
    FLAG_DEFINERS,
    FLAG_PACKAGES,
    FLAG_SET_TYPES,
    PARSE_METHODS,
    is_logging_package,
)
from golint_resilience.knowledge.process_local import is_moot_defer
from golint_resilience.knowledge.recovery import recovers_directly
from golint_resilience.model import Severity
from golint_resilience.registry import (
    CheckContext,
    Report,
    check,
    first_line,
    fragment,
    report,
)

_SIGNAL_NOTIFY = """
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  arguments: (argument_list . (identifier) @channel)
  (#match? @_name "^Notify$")) @call
"""
_RECEIVES = """
(unary_expression operator: "<-" operand: (identifier) @channel) @receive
(range_clause right: (identifier) @channel) @receive
"""


def _declaration_name(declaration: Node | None, context: FileContext) -> str:
    if declaration is None:
        return ""
    name = declaration.child_by_field_name("name")
    return context.text(name) if name is not None else ""


def _describe_function(call: Node, context: FileContext) -> str:
    declaration = enclosing_declaration(call, context)
    if declaration is None:
        return "a package-level initializer"
    key = function_key(declaration, context)
    owner = enclosing_function(call, context)
    inside = " (in a function literal)" if owner is not None and owner.id != declaration.id else ""
    return f"{key}(){inside}"


def _is_exempt_entry_point(call: Node, context: FileContext) -> bool:
    """main() and init() of a package main, TestMain of a test file, a library's `func Main()`.

    A command-line framework's command function (`RunE: func(…) error {…}`, `Run: serve`)
    is the command's main(). Closures inside count. `func Main()` is a program's main() moved into a package
    (`cmd.Main()`, "call this as the main() of your program"): it takes nothing and returns
    nothing, so it can only be the whole of a main().

    Flag parsing is exempt there too; startup code (`_is_startup`) only from exit calls:
    `flag.Parse()` in a library's init() still parses the command line of every program.
    """
    if any(a.type == "func_literal" and runs_as_command(a, context) for a in ancestors(call, context)):
        return True
    declaration = enclosing_declaration(call, context)
    if declaration is None:
        return False
    if runs_as_named_command(declaration, context):
        return True
    name = _declaration_name(declaration, context)
    if name == "TestMain":
        # go test runs a TestMain function of a _test.go file only; a test framework's
        # TestMain method is what such a function calls.
        return declaration.type == "method_declaration" or context.file.path.name.endswith("_test.go")
    if declaration.type != "function_declaration":
        return False
    if name == "Main":
        return signature(declaration, context) == ("Main", (), "")
    return context.package.is_main and name in {"main", "init"}


def _is_startup(call: Node, context: FileContext, setups: dict[int, int | None]) -> bool:
    """Is the exit startup code, run before the program does any work: init(), flag setup?

    `init()` of any package runs before main(). An exit in the branch that handles a flag
    set's Parse error (`if err := fs.Parse(args); err != nil { os.Exit(2) }`, a switch on
    `errors.Is(err, flag.ErrHelp)`) does what `flag.ExitOnError` does: the command line is
    wrong, and nothing runs yet; so does `os.Exit(0)` under an `if` that names a version
    flag (`if cfg.printVersion { fmt.Println(v); os.Exit(0) }`). A function that defines command-line flags
    and returns no error (`RegisterFlags(fs *flag.FlagSet)`, `AddFlags`) runs while the
    command line is being set up, up to where it parses it: after that it runs the
    program. `setups` remembers, per declaration, where that setup ends (None: no setup).
    """
    declaration = enclosing_declaration(call, context)
    if declaration is None:
        return False
    if declaration.type == "function_declaration" and _declaration_name(declaration, context) == "init":
        return True
    if _sets_flag_value(declaration, context):
        return True
    if _handles_parse_error(call, declaration, context) or _prints_version(call, context):
        return True
    if declaration.id not in setups:
        setups[declaration.id] = _flag_setup_end(declaration, context)
    end = setups[declaration.id]
    return end is not None and call.start_byte < end


def _sets_flag_value(declaration: Node, context: FileContext) -> bool:
    """Is the declaration the `Set(string) error` of a `flag.Value` (a type with a `String() string`)?

    The flag package calls it while it parses the command line, for each use of the flag:
    an exit there is a bad command line's, before the program does any work.
    """
    if declaration.type != "method_declaration":
        return False
    if signature(declaration, context) != ("Set", ("string",), "error"):
        return False
    owner = receiver_type_name(declaration, context.file)
    return any(f"{owner}.String" in other.declared_functions for other in context.package.contexts)


_BRANCHES = frozenset({"if_statement", "expression_switch_statement"})
_VERSION = re.compile(r"version", re.IGNORECASE)


def _exits_by_name(declaration: Node | None, context: FileContext) -> bool:
    """Is the exit in a function named `Must…` (`must…`), whose name is its contract?

    `conf.MustLoad(path, &c)`, `mustListen(addr)`: the name says it succeeds or ends the
    program, as `regexp.MustCompile` says it panics, and whoever calls it chose that.
    """
    name = _declaration_name(declaration, context) if declaration is not None else ""
    return name.startswith(("Must", "must")) and (len(name) == 4 or name[4].isupper() or name[4] == "_")


def _prints_version(call: Node, context: FileContext) -> bool:
    """`os.Exit(0)` in the branch of a version flag: the command line asked for it, nothing runs."""
    arguments = call.child_by_field_name("arguments")
    values = arguments.named_children if arguments is not None else []
    if len(values) != 1 or context.text(values[0]) != "0":
        return False
    branch = parent_of(parent_of(call, context) or call, context)
    while branch is not None and branch.type in {"block", "statement_list"}:
        branch = parent_of(branch, context)
    condition = (
        branch.child_by_field_name("condition")
        if branch is not None and branch.type == "if_statement"
        else None
    )
    return condition is not None and _VERSION.search(context.text(condition)) is not None


def _handles_parse_error(call: Node, declaration: Node, context: FileContext) -> bool:
    """Is the exit in an `if` or `switch` that tests the error of an earlier flag-set Parse?"""
    errors = _parse_errors(declaration, context, before=call.start_byte)
    if not errors:
        return False
    for ancestor in ancestors(call, context):
        if ancestor.id == declaration.id:
            return False
        if ancestor.type not in _BRANCHES:
            continue
        tested = [ancestor.child_by_field_name(f) for f in ("initializer", "condition", "value")]
        if ancestor.type == "expression_switch_statement":
            tested += [case.child_by_field_name("value") for case in ancestor.named_children]
        if any(part is not None and errors & _identifiers(part, context) for part in tested):
            return True
    return False


def _parse_errors(declaration: Node, context: FileContext, before: int) -> set[str]:
    """Names given the error of a flag-set Parse (`perr := fs.Parse(args)`) before `before`."""
    names: set[str] = set()
    for captures in captures_within(declaration, _SELECTOR_CALLS, context.file.budget):
        parse = captures["call"][0]
        if parse.start_byte >= before or not _parses_flags(captures, context):
            continue
        values = parent_of(parse, context)
        assignment = parent_of(values, context) if values is not None else None
        left = assignment.child_by_field_name("left") if assignment is not None else None
        if (
            assignment is not None
            and assignment.type in {"short_var_declaration", "assignment_statement"}
            and left
        ):
            names.update(context.text(n) for n in left.named_children if n.type == "identifier")
    return names


def _identifiers(node: Node, context: FileContext) -> set[str]:
    found = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.add(context.text(current))
        stack.extend(current.named_children)
    return found


_SELECTOR_CALLS = """
(call_expression
  function: (selector_expression
    operand: (_) @operand
    field: (field_identifier) @name)
  arguments: (argument_list) @arguments) @call
"""
_ERROR_RESULT = re.compile(rb"\berror\b")


def _flag_setup_end(declaration: Node, context: FileContext) -> int | None:
    """Where a function that defines command-line flags, with no error result, parses them.

    The end of the function when it does not parse; None when it is no flag setup.
    """
    if _has_error_result(declaration, context):
        return None
    defines = False
    for captures in captures_within(declaration, _SELECTOR_CALLS, context.file.budget):
        if _parses_flags(captures, context):
            return captures["call"][0].start_byte if defines else None
        defines = defines or _defines_flag(captures, context)
    return declaration.end_byte if defines else None


def _parses_flags(captures: dict[str, list[Node]], context: FileContext) -> bool:
    """`flag.Parse()`, `fs.Parse(args)` on a flag set, `flag.CommandLine.Parse(…)`."""
    if context.text(captures["name"][0]) not in PARSE_METHODS:
        return False
    return _is_flag_api(captures["operand"][0], context)


def _is_flag_api(operand: Node, context: FileContext) -> bool:
    """A flag package (`flag.`, `pflag.`) or a flag set value."""
    package = imported_package(operand, context)
    if package is not None:
        return package in FLAG_PACKAGES
    return type_of(operand, context).name in FLAG_SET_TYPES


def _defines_flag(captures: dict[str, list[Node]], context: FileContext) -> bool:
    """`flag.StringVar(…)`, `fs.Int(…)` on a flag set, or any `x.NameVar(&v, "name", …)`."""
    name = context.text(captures["name"][0])
    arguments = captures["arguments"][0].named_children
    if name.endswith(("Var", "VarP")) and len(arguments) >= 2:  # a pointer and the flag name
        pointer, flag_name = arguments[0], arguments[1]
        if (
            pointer.type == "unary_expression"
            and unary_operator(pointer) == "&"
            and flag_name.type
            in {
                "interpreted_string_literal",
                "raw_string_literal",
            }
        ):
            return True
    if name not in FLAG_DEFINERS and name.removesuffix("P") not in FLAG_DEFINERS:
        return False
    return _is_flag_api(captures["operand"][0], context)


def _is_force_quit_after_signal(call: Node, context: FileContext) -> bool:
    """The "second Ctrl-C" idiom: exit after receiving from a signal.Notify channel."""
    declaration = enclosing_declaration(call, context)
    if declaration is None:
        return False
    channels = set()
    for captures in captures_within(declaration, _SIGNAL_NOTIFY, context.file.budget):
        name = callee_name(captures["call"][0], context)
        if name is not None and name.package == "os/signal":
            channels.add(context.text(captures["channel"][0]))
    if not channels:
        return False
    return any(
        captures["receive"][0].start_byte < call.start_byte
        and context.text(captures["channel"][0]) in channels
        for captures in captures_within(declaration, _RECEIVES, context.file.budget)
    )


FLAG_CALLS = "flag_calls"
fragment(
    FLAG_CALLS,
    """
(call_expression
  function: (selector_expression
    field: (field_identifier) @_name)
  (#match? @_name "^(Parse|ParseAll|NewFlagSet)$")) @call
""",
    tuple(Imports(f'"{package}"'.encode()) for package in sorted(FLAG_PACKAGES)),
)


@check("RES101", fragments=(EXIT_CALLS, FLAG_CALLS))
def exit_outside_main(ctx: CheckContext) -> Iterator[Report]:
    """Exit calls outside entry points and startup code; flag parsing that exits, in libraries."""
    # `allow-exit-in` is applied to the findings after the run, like `per-path-ignores`
    # (config.Configuration.path_ignores): its globs are relative to the configuration file.
    setups: dict[int, int | None] = {}
    calls = exit_calls(ctx)
    wrappers = exit_wrappers([c for c in calls if not c.wrapper])
    for exit_call in calls:
        call, context = exit_call.call, exit_call.context
        declaration = enclosing_declaration(call, context)
        if (
            _is_exempt_entry_point(call, context)
            or _is_startup(call, context, setups)
            or _is_force_quit_after_signal(call, context)
            or _exits_by_name(declaration, context)
            or (not exit_call.wrapper and _is_wrapper(declaration, context, wrappers))
            or _is_log_bridge(call, declaration, context)
        ):
            continue
        variant = "wrapper" if exit_call.wrapper else "default"
        severity = None
        if ctx.package.is_main:
            variant = "wrapper_in_main_package" if exit_call.wrapper else "in_main_package"
            severity = Severity.WARNING
        yield report(
            exit_call.site,
            context,
            variant,
            severity=severity,
            condition=exit_call.condition,
            unless_served=_has_no_error_to_return(call, context),
            call=callee_text(call, context, "exit"),
            function=_describe_function(call, context),
            wrapper=exit_call.wrapper,
        )
    if ctx.package.is_main:
        return  # parsing the command line is main's business: bad flags end the program there
    for match in ctx.matches(FLAG_CALLS):
        call, context = match.node("call"), match.context
        variant = _exits_on_bad_flags(call, context)
        if variant and not _is_exempt_entry_point(call, context):
            callee = call.child_by_field_name("function")
            name = context.text(callee) if callee is not None else "flag.Parse"
            yield report(call, context, variant, call=name, function=_describe_function(call, context))


def _is_log_bridge(call: Node, declaration: Node | None, context: FileContext) -> bool:
    """Is the exit a log bridge's: a `Write(p []byte)` that re-emits each line at its own level?

    An `io.Writer` given to one logger that hands every line to another logging library
    at the severity the line carries (`case 'F': klogv2.FatalDepth(…)`, beside `InfoDepth`
    and `ErrorDepth` of the same package) forwards a fatal entry: the logger that wrote
    it had already decided to end the process, and the bridge only keeps that decision.
    It has no caller of its own to return an error to.
    """
    if declaration is None or declaration.type != "method_declaration":
        return False
    if signature(declaration, context)[:2] != ("Write", ("[]byte",)):
        return False
    exiting = callee_name(call, context)
    if exiting is None or not is_logging_package(exiting.package):
        return False
    exits = EXIT_FUNCTIONS.get(exiting.package, frozenset())
    return any(
        other is not None and other.package == exiting.package and other.name not in exits
        for other in (callee_name(c, context) for c in calls_within(declaration, context.file.budget))
    )


def _is_fail_fast(call: Node, context: FileContext) -> bool:
    """Is an exit outside any program's entry the fail-fast contract of a function with no error?

    What RES101 leaves to a service of the run (`_has_no_error_to_return`), RES102 does
    too, except in a `package main` and in a program's entry (`main()`, a command's
    function), where exiting past `defer db.Close()` is the mistake itself.
    """
    return (
        not context.package.is_main
        and not _is_exempt_entry_point(call, context)
        and _has_no_error_to_return(call, context)
    )


def _has_no_error_to_return(call: Node, context: FileContext) -> bool:
    """Does the exit run in a function (or function literal) that has no error result?

    Such a function's contract is to succeed or end the program (`UnsafePut`, `mustListen`,
    a storage loop that cannot go on after a failed write): in code a service runs, that is
    the service's fail-fast policy, like a panic on a broken invariant, and changing it
    means changing every caller.
    """
    owner = enclosing_function(call, context)
    return owner is not None and not _has_error_result(owner, context)


def _has_error_result(function: Node, context: FileContext) -> bool:
    """Does a function declaration or literal declare an `error` among its results?"""
    result = function.child_by_field_name("result")
    return result is not None and bool(
        _ERROR_RESULT.search(context.file.data[result.start_byte : result.end_byte])
    )


def _exits_on_bad_flags(call: Node, context: FileContext) -> str:
    """The message variant of a call that makes the process exit on a bad flag, else "".

    `flag.Parse()` and `flag.CommandLine.Parse(…)` parse with the command-line set, which
    exits on error; `flag.NewFlagSet(…, flag.ExitOnError)` makes a set whose Parse does
    (reported where it is made: the set is often parsed by another package). pflag alike.
    """
    function = call.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    if function is None or operand is None:
        return ""
    method = context.text(function.child_by_field_name("field") or function)
    name = qualified_name(operand, context) if operand.type == "selector_expression" else None
    if name is not None and name.package in FLAG_PACKAGES and name.name == "CommandLine":
        return "flags" if method in PARSE_METHODS else ""  # flag.CommandLine.Parse(…)
    package = imported_package(operand, context)
    if package not in FLAG_PACKAGES:
        return ""
    if method in PARSE_METHODS:
        return "flags"
    arguments = call.child_by_field_name("arguments")
    handling = arguments.named_children[1:2] if arguments is not None else []
    exits = any(qualified_name(h, context) == QualifiedName(package, "ExitOnError") for h in handling)
    return "flag_set" if method == "NewFlagSet" and exits else ""


def _defers_by_function(ctx: CheckContext) -> dict[int, list[Node]]:
    """Defer statements keyed by the id of the function (or literal) that owns them."""
    owners: dict[int, list[Node]] = {}
    for match in ctx.matches(DEFER_STATEMENTS):
        statement = match.node("defer")
        owner = enclosing_function(statement, match.context)
        if owner is not None:
            owners.setdefault(owner.id, []).append(statement)
    return owners


@check("RES102", fragments=(EXIT_CALLS, DEFER_STATEMENTS))
def exit_after_defer(ctx: CheckContext) -> Iterator[Report]:
    """Exit calls after a defer in the same function body: the defers never run.

    A defer counts when it dominates the exit (it is written earlier in a block around it).
    """
    defers = _defers_by_function(ctx)
    for exit_call in exit_calls(ctx):
        call, context = exit_call.call, exit_call.context
        owner = enclosing_function(call, context)
        if owner is None or inside_within(call, "defer_statement", owner, context):
            continue
        earlier = [
            d
            for d in defers.get(owner.id, [])
            if d.end_byte <= call.start_byte
            and _dominates(d, call, owner, context)
            and not is_moot_defer(d, context)
        ]
        if earlier:
            first = earlier[0]
            yield report(
                exit_call.site,
                context,
                condition=exit_call.condition,
                unless_served=_is_fail_fast(call, context),
                call=callee_text(call, context, "exit"),
                count=str(len(earlier)),
                deferred=first_line(context.text(first).removeprefix("defer ")),
                line=str(first.start_point[0] + 1),
            )


def _dominates(statement: Node, call: Node, owner: Node, context: FileContext) -> bool:
    """Has the defer certainly run when the exit does: is it in a block enclosing the exit?

    Only then are its deferred calls skipped on every path to the exit. A defer in a branch
    (`if c { defer f() }`, a case, a loop body) that the exit is outside of may not have run.
    """
    block = enclosing(statement, _STATEMENT_LISTS, context)
    if block is None:
        return False
    for ancestor in ancestors(call, context):
        if ancestor.id == block.id:
            return True
        if ancestor.id == owner.id:
            return False
    return False


_STATEMENT_LISTS = frozenset({"statement_list"})


@check("RES103", fragments=(EXIT_CALLS, DEFER_STATEMENTS))
def exit_in_defer(ctx: CheckContext) -> Iterator[Report]:
    """Exit calls that run while deferred calls unwind.

    Not after a `recover()` of the same deferred function: recover, log, exit is the
    deliberate fail-fast handler, and the panic it stopped no longer unwinds. Not in the
    first defer of a goroutine's literal either: it runs last, and a goroutine has no caller
    whose defers or recover() it could skip.
    """
    deferred_exits = set()
    for exit_call in exit_calls(ctx):
        call, context = exit_call.call, exit_call.context
        parent = parent_of(call, context)
        deferred_itself = parent is not None and parent.type == "defer_statement"
        if deferred_itself:
            deferred_exits.add(call.id)
        if (deferred_itself or _unwinding(call, context)) and not _last_in_goroutine(call, context):
            yield report(
                exit_call.site,
                context,
                condition=exit_call.condition,
                call=callee_text(call, context, "exit"),
            )
    for match in ctx.matches(DEFER_STATEMENTS):
        statement = match.node("defer")
        deferred = statement_call(statement)
        if deferred is not None and deferred.id not in deferred_exits:  # `defer log.Fatal(…)`: reported above
            yield from _deferred_exiting_function(ctx, statement, match.context)


def _last_in_goroutine(call: Node, context: FileContext) -> bool:
    """Is the exit deferred by the first defer of a literal that a goroutine runs?

    `go func() { defer func() { …; os.Exit(code) }(); … }()`: that defer runs after every
    other one of the literal, and nothing above a goroutine's function can recover.
    """
    statement = enclosing(call, _DEFER_STATEMENT, context)
    literal = enclosing_function(statement, context) if statement is not None else None
    if statement is None or literal is None or not _runs_as_goroutine(literal, context):
        return False
    first = next((d for d in captures_within(literal, "(defer_statement) @defer", context.file.budget)), None)
    return first is not None and first["defer"][0].id == statement.id


_DEFER_STATEMENT = frozenset({"defer_statement"})


def _runs_as_goroutine(literal: Node, context: FileContext) -> bool:
    """`go func() {…}()`, or a literal handed to a goroutine starter's `Go` (`wg.Go(func() {…})`)."""
    if literal.type != "func_literal":
        return False
    parent = parent_of(literal, context)
    if parent is not None and parent.type == "call_expression":
        statement = parent_of(parent, context)
        return statement is not None and statement.type == "go_statement"
    call = parent_of(parent, context) if parent is not None and parent.type == "argument_list" else None
    function = call.child_by_field_name("function") if call is not None else None
    field = function.child_by_field_name("field") if function is not None else None
    receiver = function.child_by_field_name("operand") if function is not None else None
    return (
        field is not None
        and receiver is not None
        and context.text(field) == "Go"
        and is_goroutine_starter(receiver, context)
    )


def _unwinding(call: Node, context: FileContext) -> bool:
    """Does the call run in the body of `defer func() { … }()`, before any recover() there?"""
    owner = enclosing_function(call, context)
    if owner is None or not is_deferred_literal(owner, context):
        return False
    return not inside_within(call, "go_statement", owner, context) and not recovers_directly(
        owner, context, before=call.start_byte
    )


def _is_wrapper(declaration: Node | None, context: FileContext, wrappers: frozenset[str]) -> bool:
    """Is this the declaration of an exit wrapper? Its exit is what its callers call."""
    return declaration is not None and function_key(declaration, context) in wrappers


def _deferred_exiting_function(ctx: CheckContext, statement: Node, context: FileContext) -> Iterator[Report]:
    """`defer f()` where f (same package or module-local) calls an exit directly.

    Not when f also calls recover() itself: that is the fail-fast handler (recover, log, exit).
    """
    call = statement_call(statement)
    function = call.child_by_field_name("function") if call is not None else None
    if call is None or function is None or function.type == "func_literal":
        return
    qualified = callee_name(call, context)
    if qualified is not None:
        directory = ctx.module_directory(qualified.package)
        if directory is not None:
            exits = FunctionFact(directory, qualified.name, EXITS)
            fails_fast = FunctionFact(directory, qualified.name, RECOVERS, negate=True)
            yield report(
                statement,
                context,
                "deferred_function",
                condition=AllOf((exits, fails_fast)),
                callee=context.text(function),
            )
        return
    target = same_package_callee(function, context)
    if target is None:
        return
    facts = ctx.own_facts
    keys = target.fact_keys()
    if all(facts.function_has(key, EXITS) for key in keys) and not all(
        facts.function_has(key, RECOVERS) for key in keys
    ):
        yield report(statement, context, "deferred_function", callee=context.text(function))
