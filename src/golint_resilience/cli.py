"""Command line: `resilint [PATTERN...]`, `resilint rules`, `resilint explain RULE`.

Wiring only: options become RunSettings, the engine runs, a reporter formats, and the
exit code says 0 (clean), 1 (findings at or above --fail-on) or 2 (usage or tool error).
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from golint_resilience import __version__, baseline, newfromrev
from golint_resilience.cache import default_cache_dir
from golint_resilience.catalog import load_catalog
from golint_resilience.checks.framework import implemented
from golint_resilience.config import Configuration, Settings, configure
from golint_resilience.config import render as render_config
from golint_resilience.deploy.check import DeploymentChecks, LinkCollector, describe
from golint_resilience.deploy.load import load_for as load_deployments
from golint_resilience.discover import discover
from golint_resilience.docs import render_markdown
from golint_resilience.engine import RunResult, facts_only, run
from golint_resilience.filters import Excluder, drop_per_path_ignores
from golint_resilience.model import ResilintError, Severity
from golint_resilience.progress import ProgressBar
from golint_resilience.report import REPORTERS, ReportOptions
from golint_resilience.report.paths import default_root

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
ISSUES_URL = "https://github.com/resilint/resilint/issues"


class _DefaultToCheck(click.Group):
    """`resilint ./...` means `resilint check ./...`: anything but a subcommand goes to check."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in {"--help", "-h", "--version"}):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="resilint", message="%(prog)s %(version)s")
def main() -> None:
    """Find resilience anti-patterns in Go code (exits, panics, timeouts, signals, probes)."""


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
            "--warn-unused-ignores",
            is_flag=True,
            default=None,
            help="Report inline suppressions that silence nothing (selects RES901).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _cli_settings(values: dict[str, Any]) -> Settings:
    """What the command line says, as configuration settings (None: not given)."""
    return Settings(
        select=_split(values["select"]) or None,
        ignore=_split(values["ignore"]) or None,
        extend_select=_split(values["extend_select"]),
        exclude=_split(values["exclude"]) or None,
        include_tests=values["include_tests"],
        include_generated=values["include_generated"],
        fail_on=Severity(values["fail_on"]) if values["fail_on"] else None,
        warn_unused_ignores=values["warn_unused_ignores"],
        baseline=values.get("baseline"),
    )


def _configuration(patterns: tuple[str, ...], values: dict[str, Any]) -> Configuration:
    return configure(
        load_catalog(),
        patterns,
        _cli_settings(values),
        config_file=values["config_file"],
        isolated=values["isolated"],
    )


@main.command()
@click.argument("patterns", nargs=-1)
@click.option(
    "--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True
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
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: CPU count]."
)
@click.option("-q", "--quiet", is_flag=True, help="One line per finding, no code frames or summary.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text report [default: when writing to a terminal]."
)
@click.option(
    "--sarif-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Directory that SARIF and GitHub annotation paths are relative to "
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
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RESILINT_CACHE_DIR",
    help="Keep results of unchanged packages here [default: the user cache dir].",
    show_envvar=True,
)
@click.option("--no-cache", is_flag=True, help="Analyse every package; neither read nor write the cache.")
@click.option("--no-progress", is_flag=True, help="Never draw a progress bar (drawn only on a terminal).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def check(
    patterns: tuple[str, ...],
    output_format: str,
    output: Path | None,
    write_baseline: Path | None,
    new_from_rev: str | None,
    jobs: int | None,
    quiet: bool,
    color: bool | None,
    sarif_root: Path | None,
    sarif_category: str,
    sarif_suppressed: str,
    cache_dir: Path | None,
    no_cache: bool,
    no_progress: bool,
    debug: bool,
    **config_values: Any,
) -> None:
    """Analyse Go packages (default ./...): PATTERN is ./..., dir/..., a directory or a .go file."""
    try:
        catalog = load_catalog()
        configuration = _configuration(patterns, config_values)
        settings = configuration.run_settings(jobs or os.cpu_count() or 1)
        excluder = Excluder(
            configuration.root, configuration.exclude, respect_gitignore=configuration.respect_gitignore
        )
        directories = excluder.apply(discover(list(patterns) or ["./..."]))
        deployments = load_deployments(list(patterns) or ["./..."])
        deployment = DeploymentChecks(deployments, settings) if deployments.files else None
        with ProgressBar(enabled=not no_progress) as progress:
            result = run(
                directories,
                settings,
                cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
                progress=progress,
                deployment=deployment,
            )
        result = _filter(result, configuration, write_baseline, new_from_rev)
        use_color = color if color is not None else (output is None and sys.stdout.isatty())
        options = ReportOptions(
            catalog=catalog,
            version=__version__,
            color=use_color,
            quiet=quiet,
            root=sarif_root or default_root(Path.cwd()),
            sarif_category=sarif_category,
            sarif_suppressed=sarif_suppressed == "include",
        )
        _emit(result, output_format, output, options)
    except ResilintError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        click.echo("resilint: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:  # the reader (`| head`) went away: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(_exit_code(result, settings.fail_on))
    except Exception as exc:
        if debug:
            traceback.print_exc()
        cause = f"{type(exc).__name__}: {exc}"
        _fail(f"internal error: {cause} (please report it at {ISSUES_URL} with the --debug output)")
    sys.exit(_exit_code(result, settings.fail_on))


def _filter(
    result: RunResult, configuration: Configuration, write_baseline: Path | None, new_from_rev: str | None
) -> RunResult:
    """What the run's findings become after per-path ignores, the baseline and --new-from-rev."""
    findings = drop_per_path_ignores(result.findings, configuration.root, configuration.per_path_ignores)
    known = None
    if write_baseline is not None:
        _write_atomically(write_baseline, baseline.render(findings))
        known = baseline.load(write_baseline)
        click.echo(f"resilint: recorded {sum(known.values())} findings in {write_baseline}", err=True)
    elif configuration.baseline is not None:
        known = baseline.load(configuration.baseline)
    hidden = 0
    if known is not None:
        findings, hidden = baseline.subtract(findings, known)
    if new_from_rev is not None:
        findings = newfromrev.keep_changed(findings, newfromrev.changed_lines(new_from_rev, Path.cwd()))
    return dataclasses.replace(result, findings=findings, baselined=hidden)


def _emit(result: RunResult, output_format: str, output: Path | None, options: ReportOptions) -> None:
    reporter = REPORTERS[output_format]
    if output is None:
        reporter(result, sys.stdout, options)
        return
    buffer = io.StringIO()
    reporter(result, buffer, options)
    _write_atomically(output, buffer.getvalue())


def _write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and a rename: an interrupted run leaves no half file."""
    directory = path.parent if str(path.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise ResilintError(msg) from exc


def _exit_code(result: RunResult, fail_on: Severity) -> int:
    if result.tool_errors:
        return EXIT_ERROR
    failing = any(not f.suppressed and f.severity.rank >= fail_on.rank for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _fail(message: str) -> None:
    for line in message.splitlines():
        click.echo(f"resilint: error: {line}", err=True)
    sys.exit(EXIT_ERROR)


@main.command("config")
@click.argument("patterns", nargs=-1)
@_config_options
def show_config(patterns: tuple[str, ...], **config_values: Any) -> None:
    """Print the effective configuration (file and flags merged) as TOML."""
    try:
        click.echo(render_config(_configuration(patterns, config_values)), nl=False)
    except ResilintError as exc:
        _fail(str(exc))


@main.command()
@click.argument("patterns", nargs=-1)
@_config_options
def links(patterns: tuple[str, ...], **config_values: Any) -> None:
    """Show which Go main package each Kubernetes container, Dockerfile and systemd unit runs, and why."""
    try:
        configuration = _configuration(patterns, config_values)
        settings = facts_only(configuration.run_settings(os.cpu_count() or 1))
        given = list(patterns) or ["./..."]
        excluder = Excluder(
            configuration.root, configuration.exclude, respect_gitignore=configuration.respect_gitignore
        )
        collector = LinkCollector(load_deployments(given), settings)
        result = run(excluder.apply(discover(given)), settings, deployment=collector)
    except ResilintError as exc:
        _fail(str(exc))
        return
    click.echo(describe(collector.links), nl=False)
    for error in result.file_errors:
        click.echo(f"note: {error.path}: {error.message}", err=True)


@main.command()
def rules() -> None:
    """List every rule: id, name, default, severity, summary."""
    table = Table(title="resilint rules")
    for column in ("id", "name", "default", "severity", "status", "summary"):
        table.add_column(column, overflow="fold")
    for spec in load_catalog().values():
        table.add_row(
            spec.id,
            spec.name,
            "on" if spec.enabled_by_default else "off",
            spec.severity.value,
            "implemented" if implemented(spec.id) else "not implemented yet",
            spec.summary,
        )
    Console(highlight=False).print(table)


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show a rule's documentation (RULE is an id like RES201 or a name)."""
    catalog = load_catalog()
    by_name = {spec.name: spec for spec in catalog.values()}
    spec = catalog.get(rule.upper()) or by_name.get(rule)
    if spec is None:
        close = difflib.get_close_matches(rule.upper(), list(catalog), n=1) or difflib.get_close_matches(
            rule, list(by_name), n=1
        )
        hint = f"; did you mean {close[0]}?" if close else ""
        _fail(f"unknown rule {rule!r}{hint}")
        return
    # Imported here: markdown rendering (with pygments) costs ~60 ms that a lint run must not pay.
    from rich.markdown import Markdown  # noqa: PLC0415

    Console(highlight=False).print(Markdown(render_markdown(spec, implemented=implemented(spec.id))))
