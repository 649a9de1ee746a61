"""Deployment findings in every output format, with their Go locations, and suppressed by # comments."""

from __future__ import annotations

import json
from pathlib import Path

from harness import invoke

GO = """package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	go srv.ListenAndServe()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	drain, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	srv.Shutdown(drain)
	os.Exit(0)
}
"""
MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 30{comment}
      containers:
        - name: api
          command: ["/api"]
          readinessProbe:
            tcpSocket:
              port: 8080
"""


def _repository(root: Path, comment: str = "") -> None:
    (root / "cmd" / "api").mkdir(parents=True)
    (root / "cmd" / "api" / "main.go").write_text(GO, encoding="utf-8")
    (root / "deploy").mkdir()
    (root / "deploy" / "api.yaml").write_text(MANIFEST.format(comment=comment), encoding="utf-8")


def _check(root: Path, *args: str) -> tuple[int, str, str]:
    return invoke("--isolated", "--select", "RES8,RES901", *args, "./...", cwd=root)


def test_text_shows_the_manifest_line_and_the_go_place(tmp_path: Path) -> None:
    _repository(tmp_path)
    code, out, _ = _check(tmp_path)
    assert code == 1
    assert "deploy/api.yaml:8:7: RES803 [warning] shutdown budget 40 s is not below" in out
    assert " 8 |       terminationGracePeriodSeconds: 30\n" in out
    assert "  = cmd/api/main.go:18: Shutdown deadline 40 s\n" in out


def test_json_lists_related_locations(tmp_path: Path) -> None:
    _repository(tmp_path)
    _, out, _ = _check(tmp_path, "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert (finding["rule"], finding["path"], finding["line"]) == ("RES803", "deploy/api.yaml", 8)
    assert finding["related"] == [
        {"path": "cmd/api/main.go", "line": 18, "message": "Shutdown deadline 40 s"}
    ]


def test_sarif_locates_the_manifest_with_the_go_code_related(tmp_path: Path) -> None:
    _repository(tmp_path)
    _, out, _ = _check(tmp_path, "--format", "sarif", "--sarif-root", ".")
    [result] = json.loads(out)["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "deploy/api.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 8
    assert result["partialFingerprints"]["primaryLocationLineHash"]
    assert result["relatedLocations"] == [
        {
            "id": 0,
            "physicalLocation": {
                "artifactLocation": {"uri": "cmd/api/main.go", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 18, "startColumn": 19, "endLine": 18, "endColumn": 76},
            },
            "message": {"text": "Shutdown deadline 40 s"},
        }
    ]


def test_a_yaml_comment_on_the_line_suppresses(tmp_path: Path) -> None:
    _repository(tmp_path, "  # resilint:ignore RES803 drains in 10 s in practice")
    code, out, _ = _check(tmp_path, "--format", "json", "--warn-unused-ignores")
    [finding] = json.loads(out)["findings"]
    assert (finding["rule"], finding["suppressed"]) == ("RES803", True)
    assert code == 0


def test_a_comment_alone_above_suppresses_in_a_unit(tmp_path: Path) -> None:
    (tmp_path / "app.service").write_text(
        "[Service]\nExecStart=/usr/bin/app\n# resilint:ignore RES808 the helper must outlive restarts\n"
        "KillMode=process\nRestart=on-failure\n",
        encoding="utf-8",
    )
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    code, out, _ = _check(tmp_path, "--format", "json")
    assert [(f["rule"], f["line"], f["suppressed"]) for f in json.loads(out)["findings"]] == [
        ("RES808", 4, True)
    ]
    assert code == 0


def test_a_dockerfile_ignore_file_and_an_unused_directive(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "# resilint:ignore-file RES804 the base image's sh execs a lone command\n"
        "FROM golang\nRUN go build -o /app .\n# resilint:ignore RES805 nothing to silence\nCMD /app\n",
        encoding="utf-8",
    )
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    _, out, _ = _check(tmp_path, "--format", "json", "--warn-unused-ignores")
    found = [(f["rule"], f["line"], f["suppressed"]) for f in json.loads(out)["findings"]]
    assert found == [("RES901", 4, False), ("RES804", 5, True)]
