"""Deployment files: discovery, and what the parsers read (with line numbers)."""

from __future__ import annotations

from pathlib import Path

from golint_resilience.deploy import dockerfile, manifests, systemd
from golint_resilience.deploy.load import load
from golint_resilience.deploy.sources import DeploymentFile, Kind, find, roots
from harness import chdir

MULTI_DOCUMENT = """\
apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 45
      containers:
        - name: api
          image: example.com/web:1
          command: ["/web", "--listen", ":8080"]
          ports:
            - name: http
              containerPort: 8080
          livenessProbe:
            httpGet:
              path: /livez
              port: http
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "sleep 5"]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: example.com/job:1
"""


def _file(kind: Kind, text: str, name: str = "f") -> DeploymentFile:
    return DeploymentFile(Path(name), name, kind, text)


def test_kubernetes_workloads_of_a_multi_document_file() -> None:
    workloads, notes = manifests.parse(_file(Kind.KUBERNETES, MULTI_DOCUMENT))
    assert not notes
    assert [(w.kind, w.name) for w in workloads] == [("Deployment", "web"), ("CronJob", "nightly")]
    web = workloads[0]
    assert (web.grace_seconds, web.grace_place.span.line if web.grace_place else None) == (45.0, 13)
    api = web.containers[0]
    assert api.command == ("/web", "--listen", ":8080")
    assert api.pre_stop_seconds == 5.0
    probe = api.probe("liveness")
    assert probe is not None
    assert (probe.path, probe.port, probe.place.span.line) == ("/livez", "http", 21)
    assert api.port_number("http") == 8080
    assert not workloads[1].long_running


def test_helm_templates_are_skipped_with_a_note() -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
    workloads, notes = manifests.parse(_file(Kind.KUBERNETES, text))
    assert workloads == []
    assert "template" in notes[0].message


def test_invalid_yaml_is_a_note_with_its_line() -> None:
    _, notes = manifests.parse(_file(Kind.KUBERNETES, "kind: Pod\nspec: [\n"))
    assert "invalid YAML (line 3)" in notes[0].message


def test_dockerfile_final_stage_and_go_builds() -> None:
    text = (
        "FROM golang AS build\nCMD ignored\n"
        'RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/web \\\n  ./cmd/web && echo done\n'
        "FROM scratch\nCOPY --from=build /out/web /web\nSTOPSIGNAL SIGINT\nCMD /web --x\n"
    )
    parsed = dockerfile.parse(_file(Kind.DOCKERFILE, text))
    assert [(b.output, b.package, b.place.span.line) for b in parsed.builds] == [("web", "./cmd/web", 3)]
    assert parsed.entrypoint is None
    assert parsed.cmd is not None
    assert (parsed.cmd.shell_form, parsed.cmd.words, parsed.cmd.place.span.line) == (True, ("/web", "--x"), 8)
    assert parsed.stop_signal is not None and parsed.stop_signal[0] == "SIGINT"


def test_dockerfile_exec_form_joins_entrypoint_and_cmd() -> None:
    parsed = dockerfile.parse(_file(Kind.DOCKERFILE, 'FROM x\nENTRYPOINT ["/web"]\nCMD ["--port", "80"]\n'))
    assert parsed.command == ("/web", "--port", "80")


def test_go_build_without_output_is_named_after_the_package() -> None:
    place = _file(Kind.DOCKERFILE, "RUN x").place(1)
    assert [b.output for b in dockerfile.go_builds("go build ./cmd/api", place)] == ["api"]
    assert [b.output for b in dockerfile.go_builds("go build -o /bin/ ./cmd/api", place)] == ["api"]


UNIT = """\
[Unit]
Description=web %i
; a comment

[Service]
ExecStart=-/usr/local/bin/web \\
    --listen :8080
Restart=always
Restart=on-failure
TimeoutStopSec=1min 30s
Environment=A=1
Environment=B=2
"""


def test_systemd_settings_keep_their_lines() -> None:
    unit, notes = systemd.parse(_file(Kind.SYSTEMD, UNIT))
    assert not notes and unit is not None
    lines = {key: (s.value, s.place.span.line) for key, s in unit.settings.items()}
    assert lines[("Unit", "Description")] == ("web %i", 2)  # no interpolation
    assert lines[("Service", "Restart")] == ("on-failure", 9)  # the last assignment wins
    assert lines[("Service", "TimeoutStopSec")] == ("1min 30s", 10)
    assert unit.exec_start == ("/usr/local/bin/web", "--listen", ":8080")  # continued line, prefix dropped
    assert unit.service_place.span.line == 5
    assert systemd.seconds("1min 30s") == 90.0
    assert systemd.seconds("500ms") == 0.5
    assert systemd.seconds("soon") is None


def test_a_broken_unit_is_a_note() -> None:
    unit, notes = systemd.parse(_file(Kind.SYSTEMD, "ExecStart=/x\n"))
    assert unit is None and "invalid unit file" in notes[0].message


def test_discovery_finds_each_kind_and_skips_hidden_and_vendored(tmp_path: Path) -> None:
    for name in ("deploy/app.yaml", "build/api.Dockerfile", "Containerfile", "init/app.service",
                 "vendor/x/Dockerfile", ".github/workflows/ci.yml", "README.md"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    with chdir(tmp_path):
        found = [(p.as_posix(), k) for p, k in find(roots(["./..."]))]
    assert found == [
        ("Containerfile", Kind.DOCKERFILE),
        ("build/api.Dockerfile", Kind.DOCKERFILE),
        ("deploy/app.yaml", Kind.KUBERNETES),
        ("init/app.service", Kind.SYSTEMD),
    ]


def test_yaml_that_is_not_a_manifest_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("listen: :8080\n", encoding="utf-8")
    (tmp_path / "app.yaml").write_text(MULTI_DOCUMENT, encoding="utf-8")
    with chdir(tmp_path):
        deployments = load([Path()])
    assert [f.display for f in deployments.files] == ["app.yaml"]
    assert len(deployments.workloads) == 2


def test_only_recursive_patterns_name_trees() -> None:
    assert roots(["./...", "cmd/...", "pkg/x", "main.go"]) == [Path(), Path("cmd")]
