"""The RES201 knobs: `safe-go-functions` and `recover-helpers` change what the fixture reports."""

from __future__ import annotations

from click.testing import CliRunner

from golint_resilience.catalog.specs import load_catalog
from golint_resilience.cli import main
from golint_resilience.engine.pipeline import run
from golint_resilience.golang.discover import discover
from golint_resilience.settings import RunSettings, default_options
from harness import FIXTURES, chdir

FIXTURE = FIXTURES / "RES2_goroutines"


def _res201_lines(**knobs: tuple[str, ...]) -> set[tuple[str, int]]:
    options = default_options(load_catalog())
    options["RES201"] = {**options["RES201"], **knobs}
    with chdir(FIXTURE):
        findings = run(discover(["./..."]), RunSettings(rules=("RES201",), options=options)).findings
    return {(f.path, f.span.line) for f in findings}


def test_safe_go_functions_silence_targets_and_launchers() -> None:
    before = _res201_lines()
    after = _res201_lines(
        **{
            "safe-go-functions": (
                "example.com/goroutines/safe.Bare",  # go safe.Bare()
                "net/http.ListenAndServe",  # go http.ListenAndServe(…)
                "example.com/goroutines/workers.bare",  # go bare()
                "example.com/goroutines/workers.B.run",  # go b.run(), go fresh.run(), go item.run()
                "example.com/goroutines/safe.Spawn",  # the go statement inside Spawn
            )
        }
    )
    assert before - after == {
        ("workers/workers.go", 67),
        ("workers/workers.go", 69),
        ("workers/workers.go", 72),
        ("workers/workers.go", 95),
        ("workers/workers.go", 97),
        ("workers/workers.go", 99),  # A.run recovers and B.run is vouched for
        ("safe/safe.go", 43),
    }


def test_recover_helpers_make_handle_crash_count() -> None:
    before = _res201_lines()
    after = _res201_lines(**{"recover-helpers": ("k8s.io/apimachinery/pkg/util/runtime.HandleCrash",)})
    assert before - after == {("workers/workers.go", 59)}


def _summary(fixture: str) -> str:
    with chdir(FIXTURES / fixture):
        arguments = ["check", "--isolated", "--no-cache", "--select", "RES201", "./..."]
        result = CliRunner().invoke(main, arguments)
    return " ".join(result.output.split())


def test_a_module_without_a_recovery_policy_is_named_once_in_the_summary() -> None:
    note = (
        "note: module example.com/crashrestart has no goroutine recovery helper or launcher: RES201 "
        "reports only its goroutines on a request path (per request, connection or item, or running a "
        "function passed in)."
    )
    assert _summary("RES2_goroutine_risk").count(note) == 1


def test_a_module_with_a_recovering_launcher_gets_no_note() -> None:
    assert "note:" not in _summary("RES2_goroutines")
