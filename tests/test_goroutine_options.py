"""The RES201 knobs: `safe-go-functions` and `recover-helpers` change what the fixture reports."""

from __future__ import annotations

from golint_resilience.catalog.specs import load_catalog
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
        ("workers/workers.go", 65),
        ("workers/workers.go", 67),
        ("workers/workers.go", 70),
        ("workers/workers.go", 93),
        ("workers/workers.go", 95),
        ("workers/workers.go", 97),  # A.run recovers and B.run is vouched for
        ("safe/safe.go", 43),
    }


def test_recover_helpers_make_handle_crash_count() -> None:
    before = _res201_lines()
    after = _res201_lines(**{"recover-helpers": ("k8s.io/apimachinery/pkg/util/runtime.HandleCrash",)})
    assert before - after == {("workers/workers.go", 57)}
