"""Code roles: `resilint roles`, what each role leaves out, naming a path, overrides, output fields.

The Go packages are tests/fixtures/roles (its fixture.toml checks the default run line by
line); here they are copied outside this repository, whose tests/ directory would make
every one of them test support.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from harness import FIXTURES, invoke
from test_sarif import SCHEMA

ROLES = {
    "bench/load": "devtool",
    "cmd/daemon": "service",
    "cmd/front": "service",
    "cmd/plugin": "library",
    "cmd/protoc-gen-thing": "devtool",
    "cmd/server": "service",
    "cmd/statusctl": "cli",  # imports internal/statusd for its types only
    "cmd/tool": "cli",
    "cmd/netdb-test": "test-support",
    "cmd/worker": "service",
    "contrib/lockdemo": "example",
    "docs/snippets": "example",
    "examples/orders": "example",
    "internal/app": "service",  # the body of cmd/worker
    "internal/cliflags": "cli",
    "internal/deps": "devtool",
    "internal/frontend": "service",
    "internal/harness": "test-support",
    "internal/interrupt": "cli",
    "internal/lib": "library",
    "internal/override": "library",
    "internal/render": "devtool",
    "internal/shared": "library",
    "internal/statusd": "library",  # imported by cmd/statusctl for its types: not run
    "internal/store": "library",
    "internal/testutil": "test-support",
    "pkg/hooks": "library",  # imported by the service cmd/server
    "pkg/plugins": "library",  # imported by no program of the module
    "tools/release": "devtool",
}
DEFAULT = [  # (path, line, rule) of a default run, as the fixture's markers say
    ("cmd/daemon/main.go", 27, "RES201"),
    ("cmd/plugin/main.go", 29, "RES201"),
    ("cmd/server/main.go", 22, "RES201"),
    ("cmd/tool/main.go", 31, "RES102"),
    ("internal/app/app.go", 13, "RES101"),
    ("internal/cliflags/cliflags.go", 23, "RES102"),
    ("internal/cliflags/cliflags.go", 27, "RES102"),
    ("internal/frontend/command.go", 18, "RES102"),  # a command's main(), not fail-fast policy
    ("internal/frontend/frontend.go", 15, "RES101"),
    ("internal/lib/lib.go", 10, "RES101"),
    ("internal/override/override.go", 8, "RES101"),
    ("internal/shared/shared.go", 9, "RES101"),
    ("internal/store/store.go", 15, "RES101"),
    ("internal/store/store.go", 40, "RES101"),
    ("internal/store/store.go", 50, "RES101"),
    ("pkg/plugins/plugins.go", 7, "RES201"),  # runs what other modules pass in
]


@pytest.fixture
def module(tmp_path: Path) -> Path:
    copy = tmp_path / "roles"
    shutil.copytree(FIXTURES / "roles", copy)
    (copy / "fixture.toml").unlink()
    return copy


def findings(*args: str, cwd: Path) -> list[dict]:
    code, out, err = invoke(
        "--isolated", "--no-cache", "--format", "json", "--select", "RES1,RES2", *args, cwd=cwd
    )
    assert code in (0, 1), err
    return json.loads(out)["findings"]


def places(found: list[dict]) -> list[tuple[str, int, str]]:
    return sorted((f["path"], f["line"], f["rule"]) for f in found)


def test_roles_json_lists_every_package_with_its_evidence(module: Path) -> None:
    code, out, err = invoke("roles", "--isolated", "--format", "json", cwd=module)
    assert code == 0, err
    listing = {entry["path"]: entry for entry in json.loads(out)}
    assert {path: entry["role"] for path, entry in listing.items()} == ROLES
    assert listing["cmd/server"]["evidence"] == [
        "main starts a server: srv.ListenAndServe() at cmd/server/main.go:26"
    ]
    assert listing["internal/store"]["evidence"] == ["imported by the service cmd/server"]
    assert listing["internal/frontend"]["evidence"] == [
        "the body of the program cmd/front: its main() calls frontend.Run(os.Args)"
    ]
    assert listing["internal/cliflags"]["evidence"] == [
        "imported only by command-line tools (cmd/tool), by no service"
    ]
    assert listing["internal/lib"]["evidence"] == ["no main of this run runs its code"]
    assert listing["cmd/statusctl"]["evidence"] == ["a main that neither starts a server nor handles signals"]
    assert listing["internal/statusd"]["evidence"] == ["no main of this run runs its code"]
    assert listing["internal/render"]["evidence"] == [
        "run by the `//go:generate go run` in internal/lib/lib.go:4"
    ]
    assert listing["examples/orders"]["reported"] is False
    assert listing["cmd/tool"]["reported"] is True
    assert listing["internal/lib"]["files"] == [
        {"file": "mock.go", "role": "test-support", "evidence": "file mock.go is named like a mock or fake"}
    ]


@pytest.mark.parametrize("in_git", [False, True])
def test_a_nested_module_under_an_example_directory_is_an_example(module: Path, in_git: bool) -> None:
    """Directory names count from the whole checkout, not from the module the package is in."""
    (module / "examples/orders/go.mod").write_text("module example.com/orders\n\ngo 1.22\n", encoding="utf-8")
    if in_git:
        (module / ".git").mkdir()
    code, out, err = invoke("roles", "--isolated", "--format", "json", cwd=module)
    assert code == 0, err
    listing = {entry["path"]: entry for entry in json.loads(out)}
    assert listing["examples/orders"]["role"] == "example"
    assert listing["examples/orders"]["evidence"] == [
        "directory examples/ (examples, demos, documentation and contributed extras)"
    ]


def test_roles_text_says_what_is_left_out(module: Path) -> None:
    code, out, _err = invoke("roles", "--isolated", cwd=module)
    assert code == 0
    assert "examples/orders: example  (left out: --include-roles example)\n    directory examples/" in out
    assert "cmd/tool: cli  (rules for long-running programs left out: --include-roles cli)" in out


def test_default_run_leaves_out_roles_and_says_so(module: Path) -> None:
    assert places(findings(cwd=module)) == DEFAULT
    code, out, _err = invoke("--isolated", "--no-cache", "--select", "RES1,RES2", cwd=module)
    assert code == 1
    assert (
        "Left out by role: 11 packages (devtool 5, example 3, test-support 3) and 23 findings "
        "(cli 5, devtool 5, example 3, library 4, service 1, test-support 5; in command-line tools, "
        "of rules for long-running programs). Report them with --include-roles "
        "cli,devtool,example,library,service,test-support "
        "or --all-roles; `resilint roles` shows why." in " ".join(out.split())
    )


@pytest.mark.parametrize(
    ("option", "added"),
    [
        (
            "--include-roles=example",
            [
                ("contrib/lockdemo/main.go", 16, "RES102"),
                ("docs/snippets/snippets.go", 9, "RES101"),
                ("examples/orders/main.go", 11, "RES201"),
            ],
        ),
        (
            "--include-roles=cli",
            [
                ("cmd/tool/main.go", 28, "RES201"),
                ("cmd/tool/main.go", 37, "RES101"),
                ("internal/cliflags/cliflags.go", 15, "RES101"),
                ("internal/cliflags/cliflags.go", 23, "RES101"),
                ("internal/cliflags/cliflags.go", 27, "RES101"),
            ],
        ),
        (
            "--include-roles=library,service",  # exits with no error to return, where a service runs them
            [
                ("internal/frontend/frontend.go", 24, "RES101"),
                ("internal/store/store.go", 24, "RES101"),
                ("internal/store/store.go", 60, "RES101"),
                ("internal/store/store.go", 60, "RES102"),
                ("pkg/hooks/hooks.go", 8, "RES201"),  # runs the service's own callbacks
            ],
        ),
        (
            "--include-roles=test-support",
            [
                ("cmd/netdb-test/main.go", 16, "RES102"),
                ("internal/harness/harness.go", 13, "RES101"),
                ("internal/lib/mock.go", 10, "RES101"),
                ("internal/store/store.go", 32, "RES101"),  # a function only its tests call
                ("internal/testutil/testutil.go", 9, "RES101"),
            ],
        ),
        (
            "--include-roles=devtool",
            [
                ("bench/load/main.go", 16, "RES102"),
                ("cmd/protoc-gen-thing/main.go", 15, "RES102"),
                ("internal/deps/tools.go", 9, "RES101"),
                ("internal/render/main.go", 15, "RES102"),
                ("tools/release/main.go", 15, "RES102"),
            ],
        ),
    ],
)
def test_include_roles_reports_them(module: Path, option: str, added: list[tuple[str, int, str]]) -> None:
    assert places(findings(option, cwd=module)) == sorted(DEFAULT + added)


def test_all_roles_reports_everything_with_its_role(module: Path) -> None:
    found = findings("--all-roles", cwd=module)
    assert len(found) == len(DEFAULT) + 23
    roles = {(f["path"], f["line"]): f["role"] for f in found}
    assert roles[("internal/lib/mock.go", 10)] == "test-support"
    assert roles[("internal/lib/lib.go", 10)] == "library"
    assert roles[("internal/store/store.go", 32)] == "test-support"  # only its tests call reset()
    assert roles[("cmd/tool/main.go", 28)] == "cli"
    assert roles[("internal/cliflags/cliflags.go", 15)] == "cli"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("examples/orders/...", [("examples/orders/main.go", 11, "RES201")]),
        ("examples/...", [("examples/orders/main.go", 11, "RES201")]),
        ("examples/orders", [("examples/orders/main.go", 11, "RES201")]),
        ("internal/testutil/testutil.go", [("internal/testutil/testutil.go", 9, "RES101")]),
        ("./internal/harness", [("internal/harness/harness.go", 13, "RES101")]),
        (
            "cmd/tool",
            [
                ("cmd/tool/main.go", 28, "RES201"),
                ("cmd/tool/main.go", 31, "RES102"),
                ("cmd/tool/main.go", 37, "RES101"),
            ],
        ),
        (
            "internal/...",  # no main of the run imports cliflags: a library then
            [
                ("internal/app/app.go", 13, "RES101"),
                ("internal/cliflags/cliflags.go", 15, "RES101"),
                ("internal/cliflags/cliflags.go", 23, "RES101"),
                ("internal/cliflags/cliflags.go", 23, "RES102"),
                ("internal/cliflags/cliflags.go", 27, "RES101"),
                ("internal/cliflags/cliflags.go", 27, "RES102"),
                ("internal/frontend/command.go", 18, "RES102"),
                ("internal/frontend/frontend.go", 15, "RES101"),
                ("internal/frontend/frontend.go", 24, "RES101"),  # no service in this run runs it
                ("internal/lib/lib.go", 10, "RES101"),
                ("internal/override/override.go", 8, "RES101"),
                ("internal/shared/shared.go", 9, "RES101"),
                ("internal/store/store.go", 15, "RES101"),
                ("internal/store/store.go", 24, "RES101"),
                ("internal/store/store.go", 40, "RES101"),
                ("internal/store/store.go", 50, "RES101"),
                ("internal/store/store.go", 60, "RES101"),
                ("internal/store/store.go", 60, "RES102"),
            ],
        ),
    ],
)
def test_a_path_named_on_the_command_line_is_reported_whatever_its_role(
    module: Path, pattern: str, expected: list[tuple[str, int, str]]
) -> None:
    assert places(findings(pattern, cwd=module)) == expected


def test_running_inside_a_left_out_directory_names_it(module: Path) -> None:
    assert places(findings("./...", cwd=module / "examples")) == [("orders/main.go", 11, "RES201")]


def test_sarif_results_carry_the_role_and_validate(module: Path) -> None:
    code, out, err = invoke(
        "--isolated", "--no-cache", "--format", "sarif", "--select", "RES1,RES2", cwd=module
    )
    assert code == 1, err
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    roles = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["properties"]["role"]
        for r in log["runs"][0]["results"]
    }
    assert roles["cmd/server/main.go"] == "service"
    assert roles["internal/store/store.go"] == "library"
    assert roles["cmd/tool/main.go"] == "cli"


def test_config_overrides_a_role_by_glob(module: Path) -> None:
    (module / ".resilint.toml").write_text('[roles]\n"internal/override/**" = "devtool"\n', encoding="utf-8")
    code, out, err = invoke("--no-cache", "--format", "json", "--select", "RES1,RES2", cwd=module)
    assert code == 1, err
    assert ("internal/override/override.go", 8, "RES101") not in places(json.loads(out)["findings"])
    code, out, _err = invoke("roles", "--format", "json", cwd=module)
    listing = {entry["path"]: entry for entry in json.loads(out)}
    assert listing["internal/override"]["role"] == "devtool"
    assert listing["internal/override"]["evidence"] == ["configured: [roles] 'internal/override/**'"]


def test_config_include_roles(module: Path) -> None:
    (module / ".resilint.toml").write_text('include-roles = ["example"]\n', encoding="utf-8")
    code, out, err = invoke("--no-cache", "--format", "json", "--select", "RES1,RES2", cwd=module)
    assert code == 1, err
    assert ("examples/orders/main.go", 11, "RES201") in places(json.loads(out)["findings"])


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ('[roles]\n"cmd/**" = "daemon"\n', "key 'roles.\"cmd/**\"': unknown role 'daemon'"),
        ('[roles]\n"cmd/**" = 1\n', "key 'roles.\"cmd/**\"': expected a role name string, got the number 1"),
        ('roles = ["cmd"]\n', "key 'roles': expected a table"),
        (
            'include-roles = ["testsupport"]\n',
            "key 'include-roles': unknown role 'testsupport'; did you mean 'test-support'?",
        ),
    ],
)
def test_role_configuration_is_validated(module: Path, config: str, error: str) -> None:
    (module / ".resilint.toml").write_text(config, encoding="utf-8")
    code, _out, err = invoke("--no-cache", cwd=module)
    assert code == 2
    assert error in err


def test_unknown_include_role_is_a_usage_error(module: Path) -> None:
    code, _out, err = invoke("--isolated", "--include-roles", "demo", cwd=module)
    assert code == 2
    assert "--include-roles: unknown role 'demo'" in err


def test_cached_results_follow_a_changed_override(module: Path, tmp_path: Path) -> None:
    """Roles are decided after the cache: a changed [roles] table or import changes them at once."""
    cache = str(tmp_path / "cache")
    target = ("internal/override/override.go", 8, "RES101")
    assert target in places(findings("--cache-dir", cache, cwd=module))
    (module / ".resilint.toml").write_text(
        '[roles]\n"internal/override/" = "test-support"\n', encoding="utf-8"
    )
    _code, out, _err = invoke("--cache-dir", cache, "--format", "json", "--select", "RES1,RES2", cwd=module)
    assert target not in places(json.loads(out)["findings"])
    (module / ".resilint.toml").unlink()
    server = module / "cmd/server/main.go"
    server.write_text(
        server.read_text(encoding="utf-8").replace("store.Open()", "_ = store.Open"), encoding="utf-8"
    )
    assert target in places(findings("--cache-dir", cache, cwd=module))
    listing = json.loads(invoke("roles", "--isolated", "--format", "json", cwd=module)[1])
    assert next(e for e in listing if e["path"] == "internal/store")["role"] == "library"


def test_cached_role_facts_follow_an_edit(module: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    target = ("internal/lib/lib.go", 10, "RES101")
    assert target in places(findings("--cache-dir", cache, cwd=module))
    lib = module / "internal/lib/lib.go"
    text = lib.read_text(encoding="utf-8").replace(
        'import "os"', 'import (\n\t"os"\n\t"testing"\n)\n\nvar _ testing.TB'
    )
    lib.write_text(text, encoding="utf-8")
    assert target not in places(findings("--cache-dir", cache, cwd=module))


def test_deployment_files_take_their_directory_role(module: Path) -> None:
    (module / "examples/orders/Dockerfile").write_text(
        "FROM scratch\nCOPY orders /orders\nCMD /orders -v\n", encoding="utf-8"
    )
    dockerfile = ("examples/orders/Dockerfile", 3, "RES804")

    def found(*args: str, cwd: Path = module) -> list[tuple[str, int, str]]:
        code, out, err = invoke(
            "--isolated", "--no-cache", "--format", "json", "--select", "RES804", *args, cwd=cwd
        )
        assert code in (0, 1), err
        return places(json.loads(out)["findings"])

    assert found() == []
    assert found("examples/orders/...") == [dockerfile]
    assert found("--include-roles", "example") == [dockerfile]


def test_the_readme_command_reports_the_demo_from_the_root() -> None:
    """`resilint check ./examples/orders/...` (examples/orders/README.md) names the example."""
    root = FIXTURES.parents[1]
    table = (root / "examples/orders/README.md").read_text(encoding="utf-8")
    expected = {
        (f"examples/orders/{m.group(2)}", int(m.group(3)), m.group(1))
        for m in re.finditer(r"^\| (RES\d{3}) \| ([\w/.-]+):(\d+)", table, re.MULTILINE)
    }
    assert len(expected) > 20
    code, out, err = invoke(  # as the README runs it: the demo's .resilint.toml selects RES601
        "check", "--no-cache", "--format", "json", "./examples/orders/...", cwd=root
    )
    assert code == 1, err
    assert expected <= set(places(json.loads(out)["findings"]))
    _code, out, _err = invoke("--isolated", "--no-cache", "--format", "json", "./...", cwd=root)
    assert not [f for f in json.loads(out)["findings"] if f["path"].startswith("examples/")]


def test_config_renders_the_role_settings(module: Path) -> None:
    (module / ".resilint.toml").write_text(
        'include-roles = ["devtool"]\n[roles]\n"gen/" = "devtool"\n', encoding="utf-8"
    )
    code, out, _err = invoke("config", cwd=module)
    assert code == 0
    assert 'include-roles = ["devtool"]\nall-roles = false\n' in out
    assert '[roles]\n"gen/" = "devtool"\n' in out
