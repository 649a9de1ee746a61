"""Command line: `resilint [PATTERN...]`, `resilint rules`, `resilint explain RULE`.

Wiring only: options become RunSettings, the engine runs, a reporter formats, and the
exit code says 0 (clean), 1 (findings at or above --fail-on) or 2 (usage or tool error).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from golint_resilience import __version__
from golint_resilience.analysis.roles import CLI, role_listing, validate_role
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.config import Configuration, ConfigValues, configure
from golint_resilience.config import render as render_config
from golint_resilience.deploy.sources import roots as deployment_roots
from golint_resilience.engine import cache as cache_module
from golint_resilience.engine import interrupts
from golint_resilience.engine.cache import default_cache_dir
from golint_resilience.engine.directory import facts_only
from golint_resilience.engine.pipeline import run
from golint_resilience.engine.progress import ProgressBar
from golint_resilience.filtering import baseline, newfromrev
from golint_resilience.filtering.paths import Excluder
from golint_resilience.filtering.stage import Baseline, Filters
from golint_resilience.golang.discover import FileSource, PackageDir, discover, display_path
from golint_resilience.golang.repository import checkout_root, default_root
from golint_resilience.model import Finding, ResilintError, RunResult, Severity
from golint_resilience.report import FORMATS, STATISTICS_FORMATS, Reporter, ReportOptions, jsontext, reporter
from golint_resilience.report.output import write_bytes, write_text
from golint_resilience.report.terminal import console, use_color
from golint_resilience.settings import RunSettings

if TYPE_CHECKING:
    from golint_resilience.engine.results import DeploymentStage
    from golint_resilience.fixes.apply import Outcome, Reanalyse

# _LAZY: modules that only some commands need are imported where they are used (the rule
# table, deployment checks, fixes), so that what every run loads, above all a run the
# cache answers whole, stays small: see engine/directory.py load_analysis.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
ISSUES_URL = "https://github.com/resilint/resilint/issues"


class _UsageError(click.ClickException):
    """A usage error shown as one line, like every other error (click's own takes three)."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        _echo_error(self.message, file)


@contextlib.contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    try:
        yield
    except click.UsageError as exc:
        message = " ".join(exc.format_message().split()).rstrip(".")
        message = message[:1].lower() + message[1:]
        if exc.ctx is not None:
            message += f" (see '{exc.ctx.command_path} --help')"
        raise _UsageError(message) from exc


class _Resilint(click.Group):
    """`resilint ./...` means `resilint check ./...`: anything but a subcommand goes to check.

    A word close to a command's name that is not an existing path (`resilint rule`) is a
    mistyped command, not a package pattern.
    """

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        with _one_line_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in {"--help", "-h", "--version"}):
            suggestion = self._suggestion(args[0]) if args else None
            if suggestion is not None:
                msg = f"{args[0]!r} is neither a command nor a path; did you mean 'resilint {suggestion}'?"
                raise click.UsageError(msg)
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def _suggestion(self, word: str) -> str | None:
        if not _WORD.fullmatch(word) or Path(word).exists():
            return None
        if word in _OPTION_COMMANDS:
            return _OPTION_COMMANDS[word]
        return _closest(word, list(self.commands))


def _closest(word: str, choices: list[str]) -> str | None:
    """The choice most like a mistyped `word`, if one is close enough."""
    import difflib  # noqa: PLC0415 (_LAZY: only a mistake needs it)

    close = difflib.get_close_matches(word, choices, n=1)
    return close[0] if close else None


_WORD = re.compile(r"[a-z][a-z-]*")
_OPTION_COMMANDS = {"help": "--help", "version": "--version"}  # commands other tools have


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.group(name="resilint", cls=_Resilint, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="resilint", message="%(prog)s %(version)s")
def main() -> None:
    """Find resilience anti-patterns in Go code (exits, panics, timeouts, signals, probes)."""


_CACHE_DIR_OPTION = click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    envvar="RESILINT_CACHE_DIR",
    help="Keep results of unchanged packages here [default: the user cache dir].",
    show_envvar=True,
)


def _config_options(function: Callable[..., None]) -> Callable[..., None]:
    """The options that `check` and `config` share: they override the configuration file."""
    options = [
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            help="Use this configuration file instead of searching for one.",
        ),
        click.option("--isolated", is_flag=True, help="Ignore configuration files."),
        click.option(
            "--select", multiple=True, help="Rule ids, prefixes (RES2), names or ALL; comma-separated."
        ),
        click.option("--extend-select", multiple=True, help="Rules to add to the selection."),
        click.option("--ignore", multiple=True, help="Rule ids, prefixes or names to leave out."),
        click.option(
            "--fail-on",
            type=click.Choice([s.value for s in Severity]),
            default=None,
            help="Lowest severity that makes the exit code 1 [default: warning].",
        ),
        click.option("--include-tests/--no-include-tests", default=None, help="Also analyse _test.go files."),
        click.option(
            "--include-generated/--no-include-generated",
            default=None,
            help="Also analyse generated files (// Code generated … DO NOT EDIT.).",
        ),
        click.option("--exclude", multiple=True, help="Globs of files to leave out (replaces `exclude`)."),
        click.option(
            "--include-roles",
            multiple=True,
            help="Also report packages of these roles (test-support, example, devtool; cli: every rule), "
            "comma-separated; see `resilint roles`.",
        ),
        click.option(
            "--all-roles", is_flag=True, default=None, help="Report every package, whatever its role."
        ),
        click.option(
            "--warn-unused-ignores",
            is_flag=True,
            default=None,
            help="Report inline suppressions that silence nothing (selects RES901).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _color_option(function: Callable[..., None]) -> Callable[..., None]:
    """`--color/--no-color`, for every command that prints (they win over NO_COLOR and FORCE_COLOR)."""
    return click.option(
        "--color/--no-color",
        default=None,
        help="Colour the output [default: on a terminal, unless NO_COLOR is set; always if FORCE_COLOR is].",
    )(function)


def _cli_settings(values: dict[str, Any]) -> ConfigValues:
    """What the command line says, as configuration settings (None: not given)."""
    return ConfigValues(
        select=_split(values["select"]) or None,
        ignore=_split(values["ignore"]) or None,
        extend_select=_split(values["extend_select"]),
        exclude=_split(values["exclude"]) or None,
        include_tests=values["include_tests"],
        include_generated=values["include_generated"],
        fail_on=Severity(values["fail_on"]) if values["fail_on"] else None,
        warn_unused_ignores=values["warn_unused_ignores"],
        baseline=values.get("baseline"),
        include_roles=_roles_option(_split(values["include_roles"])),
        all_roles=values["all_roles"],
    )


def _roles_option(names: tuple[str, ...]) -> tuple[str, ...] | None:
    """`--include-roles` values, checked (None: not given)."""
    for name in names:
        validate_role(name, "--include-roles")
    return names or None


def _configuration(patterns: tuple[str, ...], values: dict[str, Any]) -> Configuration:
    configuration = configure(
        load_catalog(),
        patterns,
        _cli_settings(values),
        config_file=values["config_file"],
        isolated=values["isolated"],
    )
    for warning in configuration.warnings:
        _warn(warning)
    return configuration


def _warn(message: str) -> None:
    click.echo(f"resilint: warning: {message}", err=True)


@main.command()
@click.argument("patterns", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="Report format (docs/usage.md describes each).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE."
)
@_config_options
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Leave out the findings recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record the current findings in FILE (then none of them fails the run).",
)
@click.option("--new-from-rev", metavar="REV", help="Report only findings on lines changed since git REV.")
@click.option(
    "--new-from-patch",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Report only findings on lines this unified diff adds (paths relative to the git top level).",
)
@click.option(
    "--whole-packages",
    is_flag=True,
    help="A .go file given stands for its package: report findings in every file of it.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: CPU count]."
)
@click.option("-q", "--quiet", is_flag=True, help="One line per finding, no code frames or summary.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Print how many findings each rule has instead (--format text or json).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (still 2 on errors).")
@_color_option
@click.option(
    "--sarif-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Directory that SARIF, GitHub annotation and GitLab paths are relative to "
    "[default: the git top level, else the working directory].",
)
@click.option(
    "--sarif-category",
    default="resilint/",
    show_default=True,
    help="SARIF runs[0].automationDetails.id (code scanning category); empty: leave it to the uploader.",
)
@click.option(
    "--sarif-suppressed",
    type=click.Choice(["omit", "include"]),
    default="omit",
    show_default=True,
    help="Inline-suppressed findings in SARIF: GitHub ignores SARIF suppressions and would open alerts.",
)
@_CACHE_DIR_OPTION
@click.option("--no-cache", is_flag=True, help="Analyse every package; neither read nor write the cache.")
@click.option("--no-progress", is_flag=True, help="Never draw a progress bar (drawn only on a terminal).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes in place, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (and count) fixes that need a review.")
@click.option(
    "--diff", is_flag=True, help="Print the fixes as a unified diff; change nothing (exit 1 if any)."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def check(
    patterns: tuple[str, ...],
    output_format: str,
    output: Path | None,
    write_baseline: Path | None,
    new_from_rev: str | None,
    new_from_patch: Path | None,
    whole_packages: bool,
    jobs: int | None,
    quiet: bool,
    statistics: bool,
    exit_zero: bool,
    color: bool | None,
    sarif_root: Path | None,
    sarif_category: str,
    sarif_suppressed: str,
    cache_dir: Path | None,
    no_cache: bool,
    no_progress: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    debug: bool,
    **config_values: Any,
) -> None:
    """Analyse Go packages (default ./...): PATTERN is ./..., dir/..., a directory or a .go file."""
    if fix and diff:
        _fail("--fix and --diff exclude each other: --diff only shows what --fix would change")
    if (fix or diff) and write_baseline is not None:
        _fail("--write-baseline records findings; run it without --fix or --diff")
    try:
        reporter = _reporter(output_format, statistics)
        catalog = load_catalog()
        configuration = _configuration(patterns, config_values)
        settings = configuration.run_settings(jobs or os.cpu_count() or 1)
        changes = _changes(new_from_rev, new_from_patch)  # before the run: a bad revision fails fast
        directories = _package_dirs(patterns, configuration, whole_packages=whole_packages)
        cache = None if no_cache else _cache_dir(cache_dir or default_cache_dir())
        deployment = _deployment_checks(patterns, settings, cache)
        with (
            interrupts.stop_signals_raise(),
            ProgressBar(enabled=not no_progress, color=use_color(color, sys.stderr)) as progress,
        ):
            filters = Filters(
                configuration.root,
                configuration.path_ignores,
                _baseline(configuration, write_baseline),
                changes,
            )
            result = run(
                directories,
                settings,
                cache_dir=cache,
                progress=progress,
                deployment=deployment,
                filters=filters,
            )
        if fix or diff:
            from golint_resilience.fixes.apply import fix_in_rounds, unified_diff  # noqa: PLC0415 (_LAZY)

            outcome = fix_in_rounds(
                result.findings, _reanalyser(directories, settings), unsafe=unsafe_fixes, read=_read_source
            )
            _say_fixed(outcome, applied=fix)
            if diff:
                click.echo(unified_diff(outcome), nl=False)
                sys.exit(EXIT_FINDINGS if outcome.fixed else EXIT_CLEAN)
            for path, data in outcome.fixed.items():
                write_bytes(Path(path), data)
            if outcome.fixed:
                result = run(directories, settings, cache_dir=cache, deployment=deployment, filters=filters)
        options = ReportOptions(
            catalog=catalog,
            version=__version__,
            color=use_color(color, sys.stdout if output is None else None),
            quiet=quiet,
            root=sarif_root or default_root(Path.cwd()),
            sarif_category=sarif_category,
            sarif_suppressed=sarif_suppressed == "include",
            unsafe_fixes=unsafe_fixes,
        )
        _emit(result, reporter, output, options)
    except ResilintError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        click.echo("resilint: interrupted", err=True)
        sys.exit(130)
    except interrupts.Stopped as exc:
        click.echo(f"resilint: interrupted ({exc})", err=True)
        sys.exit(exc.exit_status)
    except BrokenPipeError:  # the reader (`| head`) went away: not an error of ours
        _discard_stdout()
        sys.exit(_exit_code(result, settings.fail_on, exit_zero))
    except Exception as exc:
        if debug:
            import traceback  # noqa: PLC0415 (_LAZY)

            traceback.print_exc()
        cause = f"{type(exc).__name__}: {exc}"
        _fail(f"internal error: {cause} (please report it at {ISSUES_URL} with the --debug output)")
    sys.exit(_exit_code(result, settings.fail_on, exit_zero))


def _package_dirs(
    patterns: tuple[str, ...], configuration: Configuration, *, whole_packages: bool = False
) -> list[PackageDir]:
    """The Go package directories a run reads: the patterns (default ./...), less what is excluded."""
    source = FileSource(respect_gitignore=configuration.respect_gitignore, notice=_notice)
    excluder = Excluder(configuration.root, configuration.exclude, notice=_notice)
    return excluder.apply(discover(list(patterns) or ["./..."], source, whole_packages=whole_packages))


def _deployment_checks(
    patterns: tuple[str, ...], settings: RunSettings, cache_dir: Path | None
) -> DeploymentStage | None:
    """The checks of the deployment files under the patterns' trees (None: there are none).

    Files and directories named one by one have no tree: inside a checkout, the deployment
    files of the working directory's tree inform their analysis as they inform `./...`,
    unreported (outside one, say in a home directory, nothing is walked).
    """
    trees = deployment_roots(list(patterns) or ["./..."])
    if not trees and checkout_root(Path.cwd().resolve()) is None:
        return None
    from golint_resilience.deploy.load import DeploymentInputs, load  # noqa: PLC0415 (_LAZY)

    deployments = load(trees or [Path()], cache_dir)
    if not deployments.files:
        return None
    if not trees:
        return DeploymentInputs(deployments)
    from golint_resilience.deploy.check import DeploymentChecks  # noqa: PLC0415 (_LAZY)

    return DeploymentChecks(deployments, settings)


def _reporter(output_format: str, statistics: bool) -> Reporter:
    if statistics and output_format not in STATISTICS_FORMATS:
        msg = f"--statistics works with --format {' or '.join(STATISTICS_FORMATS)}, not {output_format}"
        raise ResilintError(msg)
    return reporter(output_format, statistics=statistics)


def _reanalyser(directories: list[PackageDir], settings: RunSettings) -> Reanalyse:
    """How the fixer analyses files again with their fixed contents (only their directories)."""

    def reanalyse(contents: Mapping[str, bytes], paths: frozenset[str]) -> list[Finding]:
        touched = [d for d in directories if any(display_path(f) in paths for f in d.files)]
        return run(touched, settings, overlay=contents).findings

    return reanalyse


def _read_source(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        msg = f"cannot read {path}: {exc.strerror or exc}"
        raise ResilintError(msg) from exc


def _say_fixed(outcome: Outcome, *, applied: bool) -> None:
    """One line on stderr: how many findings the fixes repair (or would), per rule."""
    rules = ", ".join(f"{rule} {count}" for rule, count in sorted(outcome.repaired.items()))
    verb = "fixed" if applied else "--fix would fix"
    files = len(outcome.fixed)
    detail = f" ({rules})" if rules else ""
    click.echo(
        f"resilint: {verb} {outcome.total} finding{'s' if outcome.total != 1 else ''}{detail} "
        f"in {files} file{'s' if files != 1 else ''}",
        err=True,
    )
    for path in outcome.broken:
        click.echo(
            f"resilint: left {path} unchanged: the fixed text would not parse (please report: {ISSUES_URL})",
            err=True,
        )


def _changes(new_from_rev: str | None, new_from_patch: Path | None) -> newfromrev.Changes | None:
    """The changed lines findings are limited to (None: no such limit)."""
    if new_from_rev is not None and new_from_patch is not None:
        msg = "--new-from-rev and --new-from-patch cannot be combined"
        raise ResilintError(msg)
    if new_from_rev is not None:
        return newfromrev.changed_lines(new_from_rev, Path.cwd())
    if new_from_patch is not None:
        return newfromrev.patch_lines(new_from_patch, Path.cwd())
    return None


def _cache_dir(path: Path) -> Path | None:
    """The cache directory to use; not one that is a file (the run goes on without a cache)."""
    if path.exists() and not path.is_dir():
        _warn(f"cache directory {path} is not a directory: running without the cache")
        return None
    return path


def _baseline(configuration: Configuration, write_baseline: Path | None) -> Baseline | None:
    """The baseline a run is matched against: the one it records, the configured one, or none."""
    if write_baseline is not None:

        def record(findings: list[Finding]) -> Counter[str]:
            recorded = baseline.render(findings)
            write_text(write_baseline, recorded)
            known = baseline.parse(recorded, write_baseline)
            click.echo(f"resilint: recorded {sum(known.values())} findings in {write_baseline}", err=True)
            return known

        return record
    configured = configuration.baseline
    if configured is None:
        return None

    def load(findings: list[Finding]) -> Counter[str]:
        known = baseline.load(configured)
        if known and findings and not any(f.fingerprint in known for f in findings):
            _warn(
                f"baseline {configured} matches none of the {len(findings)} findings "
                "(written for other files or rules?)"
            )
        return known

    return load


def _emit(result: RunResult, reporter: Reporter, output: Path | None, options: ReportOptions) -> None:
    if output is None:
        try:
            reporter(result, sys.stdout, options)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # e.g. a full disk: the user's problem, not a bug of ours
            _discard_stdout()
            msg = f"cannot write the report to standard output: {exc.strerror or exc}"
            raise ResilintError(msg) from exc
        return
    buffer = io.StringIO()
    reporter(result, buffer, options)
    write_text(output, buffer.getvalue())


def _discard_stdout() -> None:
    """Send what is still buffered for stdout nowhere, so that exiting does not fail on it again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _exit_code(result: RunResult, fail_on: Severity, exit_zero: bool) -> int:
    if result.tool_errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    failing = any(not f.suppressed and f.severity.rank >= fail_on.rank for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _notice(message: str) -> None:
    """Something the run leaves out on purpose, said on stderr; it does not change the exit status."""
    click.echo(f"resilint: notice: {message}", err=True)


def _echo_error(message: str, file: IO[Any] | None = None) -> None:
    for line in message.splitlines():
        click.echo(f"resilint: error: {line}", file=file, err=True)


def _fail(message: str) -> None:
    _echo_error(message)
    sys.exit(EXIT_ERROR)


@main.command("config")
@click.argument("patterns", nargs=-1)
@_config_options
def show_config(patterns: tuple[str, ...], **config_values: Any) -> None:
    """Print the effective configuration (file and flags merged) as TOML."""
    try:
        click.echo(render_config(_configuration(patterns, config_values), load_catalog()), nl=False)
    except ResilintError as exc:
        _fail(str(exc))


@main.group()
def cache() -> None:
    """Manage the cache of results (see docs/configuration.md)."""


@cache.command("clean")
@_CACHE_DIR_OPTION
def clean_cache(cache_dir: Path | None) -> None:
    """Remove every cached result."""
    directory = cache_dir or default_cache_dir()
    removed = cache_module.clean(directory)
    click.echo(f"resilint: removed {removed} cache files from {directory}", err=True)


@main.command()
@click.argument("patterns", nargs=-1)
@_config_options
def links(patterns: tuple[str, ...], **config_values: Any) -> None:
    """Show which Go main package each Kubernetes container, Dockerfile and systemd unit runs, and why."""
    from golint_resilience.deploy.check import LinkCollector, describe  # noqa: PLC0415 (_LAZY)
    from golint_resilience.deploy.load import load  # noqa: PLC0415 (_LAZY)

    try:
        configuration = _configuration(patterns, config_values)
        settings = facts_only(configuration.run_settings(os.cpu_count() or 1))
        collector = LinkCollector(load(deployment_roots(list(patterns) or ["./..."])), settings)
        result = run(_package_dirs(patterns, configuration), settings, deployment=collector)
    except ResilintError as exc:
        _fail(str(exc))
        return
    click.echo(describe(collector.links), nl=False)
    for error in result.file_errors:
        click.echo(f"note: {error.path}: {error.message}", err=True)


@main.command("roles")
@click.argument("patterns", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per package; json: an array of packages (docs/usage.md).",
)
@_config_options
def roles_command(patterns: tuple[str, ...], output_format: str, **config_values: Any) -> None:
    """Show each package's code role (service, cli, library, devtool, example, test-support) and why."""
    try:
        configuration = _configuration(patterns, config_values)
        settings = facts_only(configuration.run_settings(os.cpu_count() or 1))
        directories = _package_dirs(patterns, configuration)
        result = run(directories, settings)
    except ResilintError as exc:
        _fail(str(exc))
        return
    listing = role_listing(result.roles, directories, settings.role_selection)
    if output_format == "json":
        click.echo(jsontext.dumps(listing))
        return
    for entry in listing:
        reported = "" if entry["reported"] else f"  (left out: --include-roles {entry['role']})"
        if entry["role"] == CLI:
            reported = f"  (rules for long-running programs left out: --include-roles {CLI})"
        click.echo(f"{entry['path']}: {entry['role']}{reported}")
        for why in entry["evidence"]:
            click.echo(f"    {why}")
        for file in entry["files"]:
            click.echo(f"    {file['file']}: {file['role']}: {file['evidence']}")


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table; json: an array of rules with stable fields (docs/usage.md).",
)
@_color_option
def rules(output_format: str, color: bool | None) -> None:
    """List every rule: id, name, default, severity, summary."""
    from golint_resilience.catalog import listing as rule_list  # noqa: PLC0415 (_LAZY)

    if output_format == "json":
        rule_list.write_json(load_catalog(), sys.stdout)
        return
    console(sys.stdout, use_color(color, sys.stdout)).print(rule_list.table(load_catalog()))


@main.command()
@click.argument("rule")
@_color_option
def explain(rule: str, color: bool | None) -> None:
    """Show a rule's documentation (RULE is an id like RES201 or a name)."""
    catalog = load_catalog()
    by_name = {spec.name: spec for spec in catalog.values()}
    spec = catalog.get(rule.upper()) or by_name.get(rule)
    if spec is None:
        close = _closest(rule.upper(), list(catalog)) or _closest(rule, list(by_name))
        hint = f"; did you mean {close}?" if close else ""
        _fail(f"unknown rule {rule!r}{hint}")
        return
    # Imported here: markdown rendering (with pygments) costs ~60 ms that a lint run must not pay.
    from rich.markdown import Markdown  # noqa: PLC0415

    from golint_resilience.catalog.docs import render_markdown  # noqa: PLC0415 (_LAZY)

    page = Markdown(render_markdown(spec))
    console(sys.stdout, use_color(color, sys.stdout), width=None).print(page)
