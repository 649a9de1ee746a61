"""The service facts the Go analysis records for deployment checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from golint_resilience.analysis.facts import FactStore
from golint_resilience.analysis.servicefacts import ServiceFacts
from golint_resilience.engine.directory import facts_of_directory
from golint_resilience.engine.pipeline import run
from golint_resilience.engine.results import DirectoryResult
from golint_resilience.golang.discover import discover
from golint_resilience.settings import RunSettings
from harness import chdir

PROGRAM = """package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const grace = %s

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz/", func(w http.ResponseWriter, r *http.Request) { http.Get("http://db") })
	mux.HandleFunc(os.Getenv("P"), func(w http.ResponseWriter, r *http.Request) {})
	srv := &http.Server{Addr: "0.0.0.0:8443", Handler: mux}
	go srv.ListenAndServe()
	signal.Notify(make(chan os.Signal, 1), syscall.SIGTERM, os.Interrupt)
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	srv.Shutdown(ctx)
}
"""


@dataclass
class _Keep:
    """A deployment stage that keeps the run's facts."""

    liveness_probe_paths: tuple[str, ...] = ()
    stores: list[FactStore] = field(default_factory=list)

    def __call__(self, store: FactStore) -> DirectoryResult:
        self.stores.append(store)
        return DirectoryResult()


def _facts(tmp_path: Path, duration: str, liveness: tuple[str, ...] = ()) -> ServiceFacts:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "main.go").write_text(PROGRAM % duration, encoding="utf-8")
    keep = _Keep(liveness)
    with chdir(tmp_path):
        run(discover(["./..."]), RunSettings(rules=()), deployment=keep)
    facts = keep.stores[0].get(keep.stores[0].directories()[0])
    assert facts is not None
    return facts.service


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [
        ("time.Duration(45) * time.Second", 45.0),
        ("1500 * time.Millisecond", 1.5),
        ("time.Minute * 2", 120.0),
        ("30_000_000_000", 30.0),  # nanoseconds, as Go counts a bare number
    ],
)
def test_deadline_of_a_constant_duration(tmp_path: Path, duration: str, seconds: float) -> None:
    facts = _facts(tmp_path, duration)
    assert [d.seconds for d in facts.deadlines] == [pytest.approx(seconds)]


def test_routes_ports_and_signals(tmp_path: Path) -> None:
    facts = _facts(tmp_path, "5 * time.Second")
    assert [(r.path, r.subtree, r.place.span.line) for r in facts.routes] == [("/healthz", True, 16)]
    assert not facts.routes_complete  # a path read from the environment
    assert (facts.ports, facts.ports_complete) == ((8443,), True)
    assert facts.signals == ("SIGINT", "SIGTERM")


def test_a_deadline_from_outside_is_unknown(tmp_path: Path) -> None:
    facts = _facts(tmp_path, "time.Second << 3")
    assert facts.deadlines == ()


def test_runs_without_deployment_files_record_no_service_facts(tmp_path: Path) -> None:
    """They cost a query and an analysis of every route: only a deployment stage pays for them."""
    (tmp_path / "main.go").write_text(PROGRAM % "time.Second", encoding="utf-8")
    settings = RunSettings(rules=())
    with chdir(tmp_path):
        directories = discover(["./..."])
        facts = facts_of_directory(str(directories[0].path.resolve()), settings)
    assert facts[0].service == ServiceFacts()


def test_only_routes_a_liveness_probe_may_reach_are_analysed_for_dependencies(tmp_path: Path) -> None:
    assert [r.dependency for r in _facts(tmp_path / "a", "time.Second").routes] == [""]
    reached = _facts(tmp_path / "b", "time.Second", ("/healthz/live",)).routes
    assert [r.dependency for r in reached] == ["http.Get(…)"]
