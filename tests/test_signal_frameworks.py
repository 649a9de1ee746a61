"""RES401's `signal-frameworks`: a framework entry point added in the configuration counts."""

from __future__ import annotations

import json
from pathlib import Path

from harness import invoke

SERVICE = """package main

import (
	"net"

	"example.com/x/app"
	"google.golang.org/grpc"
)

func main() {
	lis, err := net.Listen("tcp", ":9090")
	if err != nil {
		panic(err)
	}
	go grpc.NewServer().Serve(lis)
	app.Run()
}
"""


def _res401_lines(root: Path) -> list[int]:
    code, out, err = invoke("--format", "json", "--select", "RES401", "./...", cwd=root)
    assert code in {0, 1}, err
    return [f["line"] for f in json.loads(out)["findings"]]


def test_an_added_framework_entry_point_handles_the_signals(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n", encoding="utf-8")
    (tmp_path / "main.go").write_text(SERVICE, encoding="utf-8")
    assert _res401_lines(tmp_path) == [10]
    config = tmp_path / ".resilint.toml"
    config.write_text(
        '[rules.RES401]\nextend-signal-frameworks = ["example.com/x/app.Run"]\n', encoding="utf-8"
    )
    assert _res401_lines(tmp_path) == []
    config.write_text('[rules.RES401]\nsignal-frameworks = ["example.com/x/app.Start"]\n', encoding="utf-8")
    assert _res401_lines(tmp_path) == [10]


def test_a_misspelt_framework_option_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text(SERVICE, encoding="utf-8")
    (tmp_path / ".resilint.toml").write_text(
        '[rules.RES401]\nextend-signal-framework = ["example.com/x/app.Run"]\n', encoding="utf-8"
    )
    code, _, err = invoke(cwd=tmp_path)
    assert code == 2
    assert "did you mean 'extend-signal-frameworks'?" in err
