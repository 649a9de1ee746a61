from __future__ import annotations

from pathlib import Path

import pytest

from golint_resilience.index import FileContext, Package, default_import_name
from golint_resilience.parsing import captures_within
from golint_resilience.resolve import callee_name
from golint_resilience.source import SourceFile


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("log", "log"),
        ("k8s.io/klog/v2", "klog"),
        ("gopkg.in/yaml.v3", "yaml"),
        ("github.com/go-kit/log", "log"),
        ("github.com/mattn/go-sqlite3", "sqlite3"),
        ("github.com/rs/zerolog/log", "log"),
    ],
)
def test_default_import_name(path: str, name: str) -> None:
    assert default_import_name(path) == name


SOURCE = b"""package p

import (
	stdlog "log"
	log "github.com/sirupsen/logrus"
	"os"
)

func f(os string) {
	stdlog.Print(1)
	log.Print(2)
	os.Exit(3)
	{
		stdlog := 1
		stdlog.Print(4)
	}
	stdlog.Print(5)
	for _, log := range []int{} {
		log.Print(6)
	}
	switch log := any(0).(type) {
	default:
		log.Print(7)
	}
}
"""


def test_callee_names_honour_aliases_and_shadowing() -> None:
    file = SourceFile(Path("p.go"), "p.go", SOURCE)
    context = FileContext(file, Package(Path(), "p", [file], None))
    calls = captures_within(file.root, "(call_expression) @call")
    resolved = {}
    for captures in calls:
        call = captures["call"][0]
        argument = file.text(call.child_by_field_name("arguments"))
        name = callee_name(call, context)
        resolved[argument] = str(name) if name else None
    assert resolved["(1)"] == "log.Print"
    assert resolved["(2)"] == "github.com/sirupsen/logrus.Print"
    assert resolved["(3)"] is None  # the parameter `os` shadows the import
    assert resolved["(4)"] is None
    assert resolved["(5)"] == "log.Print"
    assert resolved["(6)"] is None
    assert resolved["(7)"] is None
