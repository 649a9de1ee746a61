"""Linking containers, images and units to Go main packages, and `resilint links`."""

from __future__ import annotations

from pathlib import Path

from harness import FIXTURES, invoke

DEPLOY = FIXTURES / "RES8_deploy"


def _links(cwd: Path, *args: str) -> tuple[int, str, str]:
    return invoke("links", "--isolated", *args, cwd=cwd)


def test_links_name_program_and_evidence() -> None:
    code, out, err = _links(DEPLOY)
    assert code == 0
    assert (
        "deploy/k8s/orders.yaml:19: Deployment orders, container orders -> cmd/orders\n"
        "    runs /usr/local/bin/orders\n"
        "    build/orders.Dockerfile:4 builds orders from ./cmd/orders\n"
    ) in out
    # A container without a command runs its image's: the image is named like the binary.
    assert "    no command: image registry.example.com/team/quiet:2.0 named like binary quiet\n" in out
    assert "deploy/k8s/unlinked.yaml:10: Deployment cache, container redis -> unlinked\n" in out
    assert "deploy/systemd/quiet.service:7: unit deploy/systemd/quiet.service -> cmd/quiet\n" in out
    # The start script execs nothing: the image's program is unknown.
    assert "build/worker.Dockerfile:10: image of build/worker.Dockerfile -> unlinked\n" in out
    assert "deploy/helm/templates/deployment.yaml: template" in err


def _service(root: Path, name: str) -> None:
    (root / "cmd" / name).mkdir(parents=True)
    (root / "cmd" / name / "main.go").write_text(
        'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":80", nil) }\n',
        encoding="utf-8",
    )


def test_a_start_script_that_execs_links_to_its_binary(tmp_path: Path) -> None:
    _service(tmp_path, "api")
    (tmp_path / "go.mod").write_text("module example.com/x\n", encoding="utf-8")
    (tmp_path / "start.sh").write_text('#!/bin/sh\nset -e\nexec /api "$@"\n', encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        'FROM alpine\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n', encoding="utf-8"
    )
    code, out, _ = _links(tmp_path)
    assert code == 0
    assert "Dockerfile:3: image of Dockerfile -> cmd/api\n    runs /start.sh\n    start.sh execs api\n" in out


def test_a_start_script_that_execs_its_arguments_runs_the_next_word(tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    (tmp_path / "go.mod").write_text("module example.com/store\n", encoding="utf-8")
    (tmp_path / "entrypoint.sh").write_text('#!/bin/sh\nexec "$@"\n', encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine\nCOPY entrypoint.sh /entrypoint.sh\n"
        'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["store", "serve"]\n',
        encoding="utf-8",
    )
    _, out, _ = _links(tmp_path)
    assert "Dockerfile:3: image of Dockerfile -> .\n" in out  # the module root's main package
    assert "    entrypoint.sh execs its arguments\n    main package . builds store\n" in out


def test_two_programs_of_one_name_are_ambiguous(tmp_path: Path) -> None:
    _service(tmp_path / "a", "api")
    _service(tmp_path / "b", "api")
    (tmp_path / "api.service").write_text("[Service]\nExecStart=/usr/bin/api\n", encoding="utf-8")
    _, out, _ = _links(tmp_path)
    assert "-> unlinked\n" in out
    assert "unlinked: several main packages build api: a/cmd/api, b/cmd/api" in out


def test_a_configured_link_wins(tmp_path: Path) -> None:
    _service(tmp_path, "api")
    _service(tmp_path, "web")
    (tmp_path / "api.service").write_text("[Service]\nExecStart=/usr/bin/api\n", encoding="utf-8")
    (tmp_path / ".resilint.toml").write_text(
        '[rules.RES801]\nlinks = ["api.service=cmd/web"]\n', encoding="utf-8"
    )
    code, out, _ = invoke("links", cwd=tmp_path)
    assert code == 0
    assert "api.service:2: unit api.service -> cmd/web\n    configured link: api.service=cmd/web\n" in out


def test_a_malformed_link_is_a_usage_error(tmp_path: Path) -> None:
    _service(tmp_path, "api")
    (tmp_path / ".resilint.toml").write_text('[rules.RES801]\nlinks = ["api.service"]\n', encoding="utf-8")
    code, _, err = invoke("links", cwd=tmp_path)
    assert code == 2
    assert "resilint: error: RES801 links: 'api.service' is not FILE[:CONTAINER]=DIRECTORY" in err


def test_go_build_of_a_file_links_its_directory(tmp_path: Path) -> None:
    _service(tmp_path, "operator")
    (tmp_path / "go.mod").write_text("module example.com/x\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        'FROM golang\nRUN go build -mod=readonly -o manager cmd/operator/main.go\nENTRYPOINT ["/manager"]\n',
        encoding="utf-8",
    )
    _, out, _ = _links(tmp_path)
    assert "Dockerfile:3: image of Dockerfile -> cmd/operator\n" in out
    assert "    Dockerfile:2 builds manager from cmd/operator/main.go\n" in out


def test_a_unit_without_exec_start_is_not_taken_for_the_only_image(tmp_path: Path) -> None:
    _service(tmp_path, "api")
    (tmp_path / "Dockerfile").write_text('FROM x\nENTRYPOINT ["/api"]\n', encoding="utf-8")
    (tmp_path / "api.service").write_text(
        "[Service]\n#ExecStart=/usr/bin/api\nRestart=always\n", encoding="utf-8"
    )
    _, out, _ = _links(tmp_path)
    assert "api.service:1: unit api.service -> unlinked\n    no command line\n" in out


def test_of_two_programs_of_one_name_the_one_that_serves_is_linked(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/api\n", encoding="utf-8")
    (tmp_path / "generate.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    _service(tmp_path, "api")
    (tmp_path / "api.service").write_text("[Service]\nExecStart=/usr/bin/api\n", encoding="utf-8")
    _, out, _ = _links(tmp_path)
    assert "api.service:2: unit api.service -> cmd/api\n" in out
    assert "    main package cmd/api builds api, the only one that serves (not .)\n" in out
