"""`zgscaffold check hf://spaces/OWNER/NAME`: the real huggingface_hub against the local hub."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hub_server import COMMIT_OID, FakeHub, HubServer

from zgscaffold.check import check_paths
from zgscaffold.check.hub import safe_path
from zgscaffold.check.space import MAX_BYTES
from zgscaffold.example import example_dir
from zgscaffold.facts import load_facts

REPO = Path(__file__).resolve().parents[1]
TOKEN = "hf_test_0123456789abcdefSECRET"
HF_HOME = Path("unset")  # a fresh folder per test (the fixture below)
CONFLICT = b"<<<<<<< HEAD\nnumpy\n=======\nscipy\n>>>>>>> theirs\n"


@pytest.fixture(autouse=True)
def empty_hf_home(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "HF_HOME", tmp_path / "hf-home")


def space_files() -> dict[str, bytes]:
    """The rendered example Space with a merge conflict left in requirements.txt (ZG901)
    and files the checker never reads."""
    root = example_dir(load_facts(), REPO)
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    files["requirements.txt"] += CONFLICT
    files["weights/model.safetensors"] = b"\0" * 4096
    files["images/card.png"] = b"\x89PNG\r\n"
    return files


def check_cli(
    endpoint: str,
    *args: str,
    token: str | None = None,
    cwd: Path | None = None,
    offline: bool = False,
):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=endpoint, HF_HUB_DISABLE_TELEMETRY="1")
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    env["HF_HOME"] = str(HF_HOME)  # an empty one: no stored login
    if token:
        env["HF_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "zgscaffold", "check", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def fetched(hub: FakeHub) -> set[str]:
    """The files whose content the checker downloaded."""
    return {
        r.path.split("/resolve/")[1].split("/", 1)[1]
        for r in hub.requests
        if r.method == "GET" and "/resolve/" in r.path
    }


def one_line_failure(result: subprocess.CompletedProcess, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_a_space_on_the_hub_is_checked_as_the_same_folder_would_be(tmp_path):
    files = space_files()
    local = tmp_path / "demo"
    for name, data in files.items():
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_bytes(data)
    with HubServer(FakeHub(token=TOKEN, files={"acme/demo": files})) as hub:
        result = check_cli(hub.url, "hf://spaces/acme/demo", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    os.chdir(local)  # the same Space checked locally names its files relative to it
    try:
        expected = [(f.code, f.path, f.line, f.column) for f in check_paths(["."], jobs=1)]
    finally:
        os.chdir(REPO)
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in found] == [
        (code, f"hf://spaces/acme/demo/{path}", line, column)
        for code, path, line, column in expected
    ]
    line = files["requirements.txt"].count(b"\n") - CONFLICT.count(b"\n") + 1
    assert ("ZG901", "hf://spaces/acme/demo/requirements.txt", line) in {
        (f["code"], f["path"], f["line"]) for f in found
    }
    # only what the checker reads came down; weights and images stayed on the Hub
    assert fetched(hub) == {name for name in files if name.endswith(".py")} | {
        "README.md",
        "requirements.txt",
        "pyproject.toml",
    }


def test_human_output_and_a_pinned_revision_name_paths_in_the_space():
    with HubServer(FakeHub(token=TOKEN, files={"acme/demo": space_files()})) as hub:
        result = check_cli(hub.url, f"hf://spaces/acme/demo@{COMMIT_OID}")
        sarif = check_cli(hub.url, "hf://spaces/acme/demo", "--format", "sarif")
    assert result.returncode == 1, result.stderr
    assert f"hf://spaces/acme/demo@{COMMIT_OID}/requirements.txt" in result.stdout
    assert "zgscaffold-" not in result.stdout  # no temporary folder shows
    assert sarif.returncode == 1, sarif.stderr
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for run in json.loads(sarif.stdout)["runs"]
        for item in run["results"]
        for location in item["locations"]
    }
    assert "hf://spaces/acme/demo/requirements.txt" in uris


def test_local_paths_and_hub_spaces_mix():
    example = example_dir(load_facts(), REPO)
    with HubServer(FakeHub(token=TOKEN, files={"acme/demo": space_files()})) as hub:
        result = check_cli(hub.url, str(example), "hf://spaces/acme/demo", "--format", "json")
    assert result.returncode == 1, result.stderr
    paths = {f["path"] for f in json.loads(result.stdout)}
    assert paths == {"hf://spaces/acme/demo/requirements.txt"}  # the example itself is clean


def test_a_private_space_needs_the_token_which_is_never_printed():
    hub = FakeHub(token=TOKEN, files={"acme/secret": space_files()}, private={"acme/secret"})
    with HubServer(hub):
        allowed = check_cli(hub.url, "hf://spaces/acme/secret", token=TOKEN)
        anonymous = check_cli(hub.url, "hf://spaces/acme/secret")
        refused = check_cli(hub.url, "hf://spaces/acme/secret", token="hf_wrong_token_SECRET")
    assert allowed.returncode == 1, allowed.stderr
    assert "hf://spaces/acme/secret/requirements.txt" in allowed.stdout
    assert TOKEN not in allowed.stdout + allowed.stderr
    one_line_failure(anonymous, "HTTP 401", "no token was given", "hf auth login")
    one_line_failure(refused, "HTTP 401", "refused the token", "HF_TOKEN")
    assert "hf_wrong_token_SECRET" not in refused.stderr


@pytest.mark.parametrize(
    ("space", "words"),
    [
        ("hf://spaces/acme/none", ["HTTP 404", "no Space acme/none", "check the id"]),
        ("hf://spaces/acme/demo@v9", ["HTTP 404", "no revision 'v9'", "branch, tag or commit"]),
        ("hf://spaces/acme", ["not a Space on the Hub", "hf://spaces/OWNER/NAME"]),
        ("hf://models/acme/demo", ["only Spaces", "hf://spaces/OWNER/NAME"]),
    ],
)
def test_what_cannot_be_read_is_one_line_naming_the_fix(space, words):
    with HubServer(FakeHub(token=TOKEN, files={"acme/demo": space_files()})) as hub:
        result = check_cli(hub.url, space)
    one_line_failure(result, *words)


def test_an_unreachable_hub_is_one_line():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_cli(f"http://127.0.0.1:{port}", "hf://spaces/acme/demo")
    one_line_failure(result, "cannot be reached", "check again")


def test_fix_refuses_a_space_on_the_hub_before_any_request():
    with HubServer(FakeHub(token=TOKEN, files={"acme/demo": space_files()})) as hub:
        result = check_cli(hub.url, "hf://spaces/acme/demo", "--fix")
    one_line_failure(result, "--fix", "hf://spaces/acme/demo", "clone")
    assert hub.requests == []


def test_a_file_over_the_size_limit_is_reported_without_downloading_it():
    files = space_files()
    files["requirements.txt"] = b"numpy\n" * (MAX_BYTES // 6 + 1)
    with HubServer(FakeHub(token=TOKEN, files={"acme/demo": files})) as hub:
        result = check_cli(hub.url, "hf://spaces/acme/demo", "--format", "json")
    assert "requirements.txt" not in fetched(hub)
    found = {(f["code"], f["path"]): f["message"] for f in json.loads(result.stdout)}
    assert "limit" in found[("ZG900", "hf://spaces/acme/demo/requirements.txt")]


@pytest.mark.parametrize(
    "name", ["../x.py", "/etc/x.py", "a/../../x.py", "a\\..\\x.py", "a/\0.py", ""]
)
def test_a_listed_path_outside_the_folder_is_never_written(tmp_path, name):
    assert safe_path(tmp_path, name) is None


def test_a_listed_path_inside_the_folder_is_kept(tmp_path):
    assert safe_path(tmp_path, "pkg/util.py") == tmp_path / "pkg" / "util.py"


def test_offline_mode_is_one_line():
    result = check_cli("http://127.0.0.1:9", "hf://spaces/acme/demo", offline=True)
    one_line_failure(result, "offline mode", "unset HF_HUB_OFFLINE and check again")
