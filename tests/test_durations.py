"""Go duration strings, as rule options take them."""

from __future__ import annotations

import pytest

from golint_resilience.catalog.durations import parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("10s", 10.0),
        ("1m30s", 90.0),
        ("500ms", 0.5),
        ("1.5h", 5400.0),
        (".5s", 0.5),
        ("2µs", 2e-6),
        ("0", 0.0),
        ("1h2m3s4ms", 3723.004),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "10", "10 s", "-1s", "1d", "s", "1s ", "1.2.3s", "1S"])
def test_what_go_would_reject(text: str) -> None:
    assert parse_duration(text) is None
