"""The cache and -j never change results: same JSON bytes whatever the jobs, the cache state
or what happened to the cache files; an edit re-analyses only the edited package."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from golint_resilience.catalog.specs import load_catalog
from golint_resilience.cli import main
from golint_resilience.engine import cache as cache_module
from golint_resilience.engine import directory
from golint_resilience.engine.codec import Codec
from golint_resilience.engine.pipeline import run
from golint_resilience.engine.progress import ProgressBar
from golint_resilience.golang.discover import discover
from golint_resilience.model import RunResult, Span
from golint_resilience.settings import RunSettings, default_options, select_rules
from harness import EXIT_IN_LIB, FIXTURES, chdir

LIBRARY = """package {name}

import "os"

// Stop exits: RES101 in a library.
func Stop(code int) {{
	if code > 0 {{
		os.Exit(code)
	}}
}}
"""
LIB_RETURNS = """package lib

func Die() {}
"""
MAIN = """package main

import "example.com/app/lib"

func main() {
	defer lib.Die()
}
"""


@pytest.fixture
def module(tmp_path: Path) -> Path:
    """A module with a dozen packages: one defers a module-local function that exits."""
    root = tmp_path / "app"
    (root / "lib").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/app\n\ngo 1.22\n", encoding="utf-8")
    (root / "lib" / "lib.go").write_text(EXIT_IN_LIB, encoding="utf-8")
    (root / "cmd" / "app").mkdir(parents=True)
    (root / "cmd" / "app" / "main.go").write_text(MAIN, encoding="utf-8")
    for number in range(10):
        package = root / "pkg" / f"p{number}"
        package.mkdir(parents=True)
        (package / "stop.go").write_text(LIBRARY.format(name=f"p{number}"), encoding="utf-8")
    return root


def lint_json(root: Path, *args: str) -> bytes:
    with chdir(root):
        result = CliRunner().invoke(main, ["--format", "json", *args, "./..."])
    assert result.exit_code == 1, result.stderr
    return result.stdout_bytes


def run_engine(root: Path, cache: Path | None, jobs: int = 1) -> RunResult:
    catalog = load_catalog()
    settings = RunSettings(rules=select_rules(catalog), options=default_options(catalog), jobs=jobs)
    with chdir(root):
        return run(discover(["./..."]), settings, cache_dir=cache)


def cache_entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


@pytest.mark.parametrize("root", ["module", "fixture"])
def test_jobs_and_cache_state_give_the_same_bytes(root: str, module: Path, tmp_path: Path) -> None:
    tree = module if root == "module" else FIXTURES / "RES1_exits"
    cache = tmp_path / "cache"
    reference = lint_json(tree, "-j", "1", "--no-cache")
    assert b'"RES103"' in reference or root == "fixture"
    assert lint_json(tree, "-j", "2", "--no-cache") == reference
    assert lint_json(tree, "-j", "2", "--cache-dir", str(cache)) == reference  # cold
    assert cache_entries(cache)
    assert lint_json(tree, "-j", "2", "--cache-dir", str(cache)) == reference  # warm
    assert lint_json(tree, "-j", "1", "--cache-dir", str(cache)) == reference  # warm, in-process


def _truncate(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def _flip_last_byte(blob: bytes) -> bytes:
    return blob[:-1] + bytes([blob[-1] ^ 0xFF])


def _garbage(blob: bytes) -> bytes:
    return os.urandom(len(blob))


def _empty(_blob: bytes) -> bytes:
    return b""


@pytest.mark.parametrize("corrupt", [_truncate, _flip_last_byte, _garbage, _empty])
def test_corrupted_cache_files_change_nothing(corrupt, module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    reference = lint_json(module, "--cache-dir", str(cache))
    for entry in cache_entries(cache):
        entry.write_bytes(corrupt(entry.read_bytes()))
    assert lint_json(module, "--cache-dir", str(cache)) == reference
    assert run_engine(module, cache).analysed == 0  # the corrupted entries were rewritten


def test_entries_swapped_between_packages_change_nothing(module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    reference = lint_json(module, "--cache-dir", str(cache))
    entries = cache_entries(cache)
    blobs = [e.read_bytes() for e in entries]
    for entry, blob in zip(entries, blobs[1:] + blobs[:1], strict=True):
        entry.write_bytes(blob)  # a whole, valid entry, but for other files
    assert lint_json(module, "--cache-dir", str(cache)) == reference


def test_an_edit_reanalyses_only_its_package_and_facts_still_flow(module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = run_engine(module, cache)
    assert cold.analysed == cold.packages == 12
    assert any(f.rule_id == "RES103" and f.path == "cmd/app/main.go" for f in cold.findings)
    warm = run_engine(module, cache)
    assert warm.analysed == 0
    assert warm.findings == cold.findings

    (module / "lib" / "lib.go").write_text(LIB_RETURNS, encoding="utf-8")
    edited = run_engine(module, cache)
    assert edited.analysed == 1  # lib only: cmd/app comes from the cache, its finding was pending
    assert not any(f.rule_id == "RES103" for f in edited.findings)
    assert edited.findings == run_engine(module, None).findings

    (module / "lib" / "lib.go").write_text(EXIT_IN_LIB, encoding="utf-8")
    assert run_engine(module, cache, jobs=2).findings == cold.findings


def test_an_unusable_cache_dir_is_no_cache(module: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    reference = lint_json(module, "--no-cache")
    assert lint_json(module, "--cache-dir", str(blocked / "cache")) == reference  # cannot be created
    assert blocked.read_text(encoding="utf-8") == ""


def test_no_cache_writes_nothing(module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with chdir(module):
        result = CliRunner(env={"RESILINT_CACHE_DIR": str(cache)}).invoke(main, ["--no-cache", "./..."])
    assert result.exit_code == 1
    assert not cache.exists()


def test_concurrent_runs_on_one_cache(module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    reference = lint_json(module, "--no-cache")
    command = [sys.executable, "-m", "golint_resilience", "--format", "json", "--cache-dir", str(cache)]
    runs = [
        subprocess.Popen([*command, "-j", "2", "./..."], cwd=module, stdout=subprocess.PIPE) for _ in range(4)
    ]
    outputs = [process.communicate()[0] for process in runs]
    assert outputs == [reference] * 4
    assert not list(cache.rglob("*.tmp"))  # no temporary file left behind
    assert lint_json(module, "--cache-dir", str(cache)) == reference


def test_no_progress_bar_without_a_terminal(module: Path) -> None:
    with chdir(module):
        result = CliRunner().invoke(main, ["-q", "./..."])
    assert result.stderr == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_after_a_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with ProgressBar(delay=3600) as bar:
        bar(1, 10)  # a short run: nothing drawn
    assert terminal.getvalue() == ""
    with ProgressBar(delay=0) as bar:
        bar(1, 10)
    assert "1/10" in terminal.getvalue()
    with ProgressBar(enabled=False, delay=0) as bar:
        bar(1, 10)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with ProgressBar(delay=0) as bar:
        bar(1, 10)
    assert sys.stderr.getvalue() == ""


def test_unchanged_files_are_recognised_without_reading_them(
    module: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)  # the files are old enough to trust
    cache = tmp_path / "cache"
    cold = run_engine(module, cache)

    def no_reading(*_args: object) -> None:
        raise AssertionError("an unchanged directory was read")

    monkeypatch.setattr(directory, "read_directory", no_reading)
    warm = run_engine(module, cache)
    assert (warm.analysed, warm.findings) == (0, cold.findings)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(
    module: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    cache = tmp_path / "cache"
    run_engine(module, cache)
    lib = module / "lib" / "lib.go"
    before = lib.stat()
    lib.write_text(EXIT_IN_LIB.replace("os.Exit(1)", "os.Exit(2)"), encoding="utf-8")
    os.utime(lib, ns=(before.st_atime_ns, before.st_mtime_ns))  # only the ctime tells
    assert lib.stat().st_size == before.st_size
    edited = run_engine(module, cache)
    assert edited.analysed == 1
    assert edited.findings == run_engine(module, None).findings
    assert any(f.snippet.strip() == "os.Exit(2)" for f in edited.findings)


def test_a_touched_file_is_recognised_by_content(module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = run_engine(module, cache)
    (module / "lib" / "lib.go").touch()
    warm = run_engine(module, cache)
    assert (warm.analysed, warm.findings) == (0, cold.findings)


def test_every_fixture_result_survives_the_cache(tmp_path: Path) -> None:
    """Each type a result can hold is known to the cache's codec: a warm run analyses nothing."""
    catalog = load_catalog()
    settings = RunSettings(rules=tuple(catalog), options=default_options(catalog), include_tests=True)
    with chdir(FIXTURES):
        directories = discover(["./..."])
        cold = run(directories, settings, cache_dir=tmp_path)
        warm = run(directories, settings, cache_dir=tmp_path)
    assert cold.analysed == len(directories) and warm.analysed == 0
    assert warm.findings == cold.findings and warm.file_errors == cold.file_errors


def test_the_cache_keeps_only_recently_used_namespaces(module: Path, tmp_path: Path) -> None:
    catalog = load_catalog()
    runs = [RunSettings(rules=(rule_id,), options=default_options(catalog)) for rule_id in catalog]
    assert len(runs) > cache_module.KEPT_NAMESPACES
    with chdir(module):
        directories = discover(["./..."])
        for settings in runs:
            run(directories, settings, cache_dir=tmp_path)
        namespaces = list((tmp_path / f"v{cache_module.FORMAT}").iterdir())
        assert len(namespaces) <= cache_module.KEPT_NAMESPACES
        assert run(directories, runs[-1], cache_dir=tmp_path).analysed == 0  # the last is kept
        assert run(directories, runs[0], cache_dir=tmp_path).analysed > 0  # the first is gone


def test_cache_clean_removes_every_entry_and_nothing_else(module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    lint_json(module, "--cache-dir", str(cache))
    (cache / "v2").mkdir()
    (cache / "v2" / "old-pickle").write_bytes(b"x")
    (cache / "notes.txt").write_text("mine\n", encoding="utf-8")
    entries = len(cache_entries(cache)) - 1
    result = CliRunner().invoke(main, ["cache", "clean", "--cache-dir", str(cache)])
    assert result.exit_code == 0
    assert result.stderr == f"resilint: removed {entries} cache files from {cache}\n"
    assert cache_entries(cache) == [cache / "notes.txt"]


def test_a_value_the_codec_does_not_know_is_not_cached(tmp_path: Path) -> None:
    unknown = cache_module.ResultCache(tmp_path, "digest", Codec(()))
    unknown.store("dir", cache_module.Entry("content", None, Span(1, 1, 1, 2, 1, 2, 1, 2)))  # no exception
    assert unknown.load("dir") is None
    assert cache_entries(tmp_path) == []


def test_one_file_runs_and_whole_runs_share_the_cache(module: Path, tmp_path: Path) -> None:
    """An entry covers the whole directory; a run on some of its files reports only on those.

    So pre-commit's run on the changed files finds what the last whole run stored, and the
    other way round, instead of each overwriting the other's entry.
    """
    catalog = load_catalog()
    settings = RunSettings(rules=select_rules(catalog), options=default_options(catalog), jobs=1)
    cache = tmp_path / "cache"
    (module / "lib" / "other.go").write_text(LIBRARY.format(name="lib"), encoding="utf-8")
    with chdir(module):
        whole = run(discover(["./..."]), settings, cache_dir=cache)
        one = run(discover(["lib/other.go"]), settings, cache_dir=cache)
        again = run(discover(["./..."]), settings, cache_dir=cache)
        uncached = run(discover(["lib/other.go"]), settings)
    assert {f.path for f in whole.findings} >= {"lib/lib.go", "lib/other.go"}
    assert (one.analysed, again.analysed) == (0, 0)
    assert one.findings == uncached.findings  # the entry of the whole run serves it as is
    in_other = [f for f in whole.findings if f.path == "lib/other.go"]
    assert [f.fingerprint for f in one.findings] == [f.fingerprint for f in in_other] != []
    assert again.findings == whole.findings


# What only the analysis of a directory needs: the parser and the checks (engine/directory.py
# load_analysis). A run the cache answers whole loads none of it.
ANALYSIS_MODULES = (
    "tree_sitter",
    "golint_resilience.golang.parsing",
    "golint_resilience.engine.analyse",
    "golint_resilience.analysis.resolve",
    "golint_resilience.checks",
)


# Runs resilint as its console script does, then writes the names of every imported module.
_LIST_MODULES = """
import atexit, json, runpy, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
runpy.run_module("golint_resilience", run_name="__main__", alter_sys=True)
"""


def _imported_modules(arguments: list[str], cwd: Path, cache_dir: Path) -> set[str]:
    """The modules a whole `resilint` process imports."""
    command = [sys.executable, "-c", _LIST_MODULES, *arguments, "--cache-dir", str(cache_dir), "--exit-zero"]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True)
    return set(json.loads(result.stderr.splitlines()[-1]))


@pytest.mark.parametrize(
    "arguments",
    [["./..."], ["--format", "sarif", "./..."], ["cmd/orders/main.go"]],
    ids=["text", "sarif", "one-file"],
)
def test_a_run_the_cache_answers_loads_neither_parser_nor_checks(
    arguments: list[str], tmp_path: Path
) -> None:
    """Warm runs and one-file runs (pre-commit, editors) start fast: the example service, with its
    Kubernetes manifest and Dockerfile, is answered from the cache without importing the analysis."""
    tree = tmp_path / "orders"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "orders", tree)
    cold = _imported_modules(arguments, tree, tmp_path / "cache")
    assert set(ANALYSIS_MODULES) <= cold  # the cold run analyses: the names are the right ones
    warm = _imported_modules(arguments, tree, tmp_path / "cache")
    assert sorted(warm & set(ANALYSIS_MODULES)) == []


# What a run loads only when it needs it: the text report's and explain's terminal library, the
# diff parser of --new-from-rev, the worker pool of a run with work to share out, the parsers
# of deployment files that changed since the last run.
ON_DEMAND_MODULES = ("rich", "unidiff", "multiprocessing", "yaml", "dockerfile_parse")


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_a_machine_readable_warm_run_loads_only_what_it_uses(output_format: str, tmp_path: Path) -> None:
    """A warm run that writes JSON or SARIF to a pipe (pre-commit, an editor) imports no terminal
    library, no diff parser, no process pool and, its Kubernetes manifest and Dockerfile
    unchanged, no YAML or Dockerfile parser: each costs more than such a run's analysis."""
    tree = tmp_path / "orders"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "orders", tree)
    arguments = ["--format", output_format, "--no-progress", "./..."]
    _imported_modules(arguments, tree, tmp_path / "cache")
    warm = _imported_modules(arguments, tree, tmp_path / "cache")
    assert sorted(name for name in warm if name.split(".")[0] in ON_DEMAND_MODULES) == []


def test_a_deployment_file_is_parsed_again_once_it_changes(tmp_path: Path) -> None:
    """Parses of deployment files are cached by their text: an unchanged manifest is not read
    again, and an edited one is, so the deployment findings always match an uncached run."""
    tree = tmp_path / "orders"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "orders", tree)
    cache = tmp_path / "cache"

    def deployment_findings(*cache_args: str) -> list[tuple[str, str, int]]:
        with chdir(tree):
            result = CliRunner().invoke(main, ["--format", "json", "--exit-zero", *cache_args, "./..."])
        findings = json.loads(result.output)["findings"]
        return [(f["rule"], f["path"], f["line"]) for f in findings if f["rule"].startswith("RES8")]

    first = deployment_findings("--cache-dir", str(cache))
    assert ("RES803", "deploy/k8s/orders.yaml", 26) in first
    assert deployment_findings("--cache-dir", str(cache)) == first == deployment_findings("--no-cache")
    manifest = tree / "deploy" / "k8s" / "orders.yaml"
    text = manifest.read_text(encoding="utf-8")
    longer_grace = text.replace("terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 90")
    manifest.write_text(longer_grace, encoding="utf-8")
    edited = deployment_findings("--cache-dir", str(cache))
    assert ("RES803", "deploy/k8s/orders.yaml", 26) not in edited
    assert edited == deployment_findings("--no-cache")


@pytest.mark.parametrize("named", [["cmd/orders/main.go"], ["--whole-packages", "internal/store/store.go"]])
def test_a_run_on_named_files_after_a_whole_run_is_answered_by_the_cache(
    named: list[str], tmp_path: Path
) -> None:
    """pre-commit after `resilint ./...`: the tree's deployment files tell a run on named files
    what they tell the whole run (liveness probes, deployment facts), so both have the same
    settings and share the cache: the named files' packages are not analysed again."""
    tree = tmp_path / "orders"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "orders", tree)
    _imported_modules(["--format", "json", "./..."], tree, tmp_path / "cache")
    one = _imported_modules(["--format", "json", *named], tree, tmp_path / "cache")
    assert sorted(one & set(ANALYSIS_MODULES)) == []


def test_unchanged_deployment_files_are_recognised_without_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm run reads no unchanged deployment file (its metadata answers), manifests and
    YAML files that are no manifest alike; a changed one is read and parsed again."""
    from golint_resilience.deploy import load as deploy_load  # noqa: PLC0415

    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)  # the files are old enough to trust
    tree = tmp_path / "orders"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "orders", tree)
    (tree / "deploy" / "notes.yaml").write_text("just: notes\n", encoding="utf-8")
    cache = tmp_path / "cache"
    cold = deploy_load.load([tree], cache)
    read: list[Path] = []
    real_read = deploy_load.read_regular_file

    def recording_read(path: Path) -> bytes:
        read.append(path)
        return real_read(path)

    monkeypatch.setattr(deploy_load, "read_regular_file", recording_read)
    warm = deploy_load.load([tree], cache)
    assert (read, warm.workloads, warm.dockerfiles, warm.units) == (
        [],
        cold.workloads,
        cold.dockerfiles,
        cold.units,
    )
    manifest = tree / "deploy" / "k8s" / "orders.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("orders-worker", "orders-jobs"), encoding="utf-8"
    )
    edited = deploy_load.load([tree], cache)
    assert read == [manifest]
    assert "orders-jobs" in {w.name for w in edited.workloads}


def test_a_run_on_named_files_outside_any_checkout_looks_for_no_deployment_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`resilint ~/scratch/x.go` from a home directory must not walk the home directory for
    manifests: outside a git work tree or Go module, named files get no deployment inputs."""
    from golint_resilience.deploy import load as deploy_load  # noqa: PLC0415

    def no_walk(*_args: object) -> None:
        raise AssertionError("the working directory was walked for deployment files")

    monkeypatch.setattr(deploy_load, "find", no_walk)
    (tmp_path / "scratch.go").write_text(LIBRARY.format(name="scratch"), encoding="utf-8")
    with chdir(tmp_path):
        result = CliRunner().invoke(main, ["--format", "json", "--no-cache", "--exit-zero", "scratch.go"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] != []
