"""`zgscaffold publish`: the dry run, and the real huggingface_hub calls against a local hub."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hub_server import FakeHub, HubServer
from typer.testing import CliRunner

from zgscaffold import publish
from zgscaffold.cli import app
from zgscaffold.errors import BadInput
from zgscaffold.example import example_dir
from zgscaffold.facts import load_facts

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
TOKEN = "hf_test_0123456789abcdefSECRET"


@pytest.fixture
def space(tmp_path, facts):
    """A rendered Space with local clutter that must never be uploaded."""
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(example_dir(facts, REPO), folder)
    (folder / ".venv" / "lib").mkdir(parents=True)
    (folder / ".venv" / "lib" / "x.py").write_text("x = 1\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\0")
    (folder / ".env").write_text(f"HF_TOKEN={TOKEN}\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return folder


def cli_env(tmp_path, endpoint: str | None, token: str | None = TOKEN) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_HOME=str(tmp_path / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1")
    if endpoint:
        env["HF_ENDPOINT"] = endpoint
    if token:
        env["HF_TOKEN"] = token
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "zgscaffold", "publish", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


SPACE_FILES = sorted(  # every file of the rendered Space, and nothing else
    p.relative_to(example_dir(load_facts(), REPO)).as_posix()
    for p in example_dir(load_facts(), REPO).rglob("*")
    if p.is_file()
)


def test_dry_run_prints_the_plan_and_sends_nothing(space, tmp_path):
    with HubServer(FakeHub(token=TOKEN)) as hub:
        result = run_cli(
            cli_env(tmp_path, hub.url), str(space), "--space", "acme/demo", "--dry-run"
        )
    assert result.returncode == 0, result.stderr
    assert hub.requests == []
    out = result.stdout
    assert f"{hub.url}/spaces/acme/demo" in out
    assert "sdk gradio" in out
    assert "hardware zero-a10g" in out
    assert "public" in out
    for name in SPACE_FILES:
        assert f"    {name}\n" in out
    for clutter in (".venv", "__pycache__", ".env", ".git/"):
        assert clutter not in out.replace(".gitattributes", "").replace(".gitignore", "")
    assert TOKEN not in result.stdout + result.stderr


def test_dry_run_needs_no_token(space, tmp_path):
    result = run_cli(cli_env(tmp_path, None, token=None), str(space), "--space", "a/b", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Nothing was sent" in result.stdout


def test_publish_creates_a_zerogpu_space_and_uploads_the_folder(space, tmp_path, facts):
    with HubServer(FakeHub(token=TOKEN)) as hub:
        env = cli_env(tmp_path, hub.url)
        result = run_cli(env, str(space), "--space", "acme/demo", "--private")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert TOKEN not in output
    assert hub.created == [
        {
            "name": "demo",
            "organization": "acme",
            "visibility": "private",
            "type": "space",
            "sdk": "gradio",
            "hardware": facts.data["hardware"]["flavor"],
        }
    ]
    assert len(hub.commits) == 1
    commit = hub.commits[0]
    assert commit["space"] == "acme/demo"
    assert commit["header"]["value"]["summary"] == publish.COMMIT_MESSAGE
    assert sorted(commit["files"]) == SPACE_FILES
    for name, content in commit["files"].items():
        assert content == (space / name).read_bytes()
    posts = [r for r in hub.requests if r.method == "POST"]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in posts)
    assert f"Published {hub.url}/spaces/acme/demo" in result.stdout


def test_publish_again_keeps_the_existing_space(space, tmp_path):
    with HubServer(FakeHub(token=TOKEN, existing={"acme/demo"})) as hub:
        done = publish_in_process(space, hub, "acme/demo")
    assert done.url == f"{hub.url}/spaces/acme/demo"
    assert "visibility" not in hub.created[0]  # not --private: the Hub's default
    assert len(hub.commits) == 1


def test_refused_hardware_falls_back_to_cpu_with_a_note(space, tmp_path):
    with HubServer(FakeHub(token=TOKEN, refuse_hardware=True)) as hub:
        done = publish_in_process(space, hub, "acme/demo")
    assert [body.get("hardware") for body in hub.json_bodies("/api/repos/create")] == [
        "zero-a10g",
        None,
    ]
    assert any("Settings > Hardware" in note for note in done.notes)
    assert len(hub.commits) == 1


def test_a_refused_token_is_one_line_and_never_printed(space, tmp_path):
    with HubServer(FakeHub(token="hf_the_right_one")) as hub:
        result = run_cli(cli_env(tmp_path, hub.url), str(space), "--space", "acme/demo")
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert TOKEN not in result.stdout + result.stderr
    assert hub.commits == []


def test_no_token_is_refused_before_any_request(space, tmp_path):
    with HubServer(FakeHub(token=TOKEN)) as hub:
        result = run_cli(cli_env(tmp_path, hub.url, token=None), str(space), "--space", "a/b")
    assert result.returncode == 2
    assert "no Hugging Face token" in result.stderr
    assert hub.requests == []


BAD_IDS = ["demo", "acme/", "/demo", "acme/de/mo", "ac me/demo", "acme/demo-"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_space_id_is_refused(space, bad):
    result = runner.invoke(app, ["publish", str(space), "--space", bad, "--dry-run"])
    assert result.exit_code == 2
    assert "is not a Space id" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_folder_without_readme_is_refused(tmp_path):
    with pytest.raises(BadInput, match=r"no README\.md"):
        publish.plan(tmp_path, "acme/demo")


def test_check_errors_refuse_unless_forced(space, tmp_path):
    (space / "requirements.txt").write_text("spaces\ntorch==1.0.0\n")
    with HubServer(FakeHub(token=TOKEN)) as hub:
        with pytest.raises(BadInput, match="--force"):
            publish_in_process(space, hub, "acme/demo")
        assert hub.requests == []
        done = publish_in_process(space, hub, "acme/demo", force=True)
    assert done.check_errors
    assert len(hub.commits) == 1


def publish_in_process(space, hub, space_id, **kwargs):
    """publish() with the endpoint given to HfApi directly, token from HF_TOKEN."""
    old = os.environ.get("HF_TOKEN")
    os.environ["HF_TOKEN"] = TOKEN
    try:
        return publish.publish(space, space_id, endpoint=hub.url, **kwargs)
    finally:
        if old is None:
            del os.environ["HF_TOKEN"]
        else:
            os.environ["HF_TOKEN"] = old


SECRETS = [".env", ".env.local", "deploy.key", "certs/server.pem", ".hf_token", "token"]
CLUTTER = [".venv/lib/x.py", ".cache/huggingface/x", "__pycache__/app.cpython-312.pyc"]


def _add(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"{TOKEN}\n")


def test_no_secret_is_ever_listed_even_without_a_gitignore(space):
    (space / ".gitignore").unlink(missing_ok=True)
    _add(space, SECRETS + CLUTTER + ["notes/keep.md"])
    files = publish.upload_files(space)
    assert "notes/keep.md" in files
    assert set(files).isdisjoint(SECRETS + CLUTTER)
    assert not any(name.startswith((".git/", ".github/")) for name in files)


def test_the_gitignore_is_respected_outside_git(space):
    (space / ".gitignore").write_text("outputs/\n*.bin\n!keep.bin\n")
    _add(space, ["outputs/a.png", "model.bin", "keep.bin"])
    files = publish.upload_files(space)
    assert "keep.bin" in files and ".gitignore" in files
    assert "outputs/a.png" not in files and "model.bin" not in files


def test_in_a_git_repository_git_decides(tmp_path, facts):
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(example_dir(facts, REPO), repo / "space")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text("*.log\n")  # above the Space: only git reads it
    (repo / ".git" / "info" / "exclude").write_text("private/\n")
    _add(repo / "space", ["run.log", "private/x.txt", "extra.py", ".env"])
    files = publish.upload_files(repo / "space")
    assert "extra.py" in files and "app.py" in files
    assert {"run.log", "private/x.txt", ".env"}.isdisjoint(files)


def test_dry_run_with_check_errors_lists_and_exits_as_the_real_run(space, tmp_path):
    (space / "requirements.txt").write_text("spaces\ntorch==1.0.0\n")
    result = run_cli(cli_env(tmp_path, None), str(space), "--space", "acme/demo", "--dry-run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "    app.py" in result.stdout and "error(s)" in result.stdout
    assert "or publish with --force" in result.stderr
    forced = run_cli(
        cli_env(tmp_path, None), str(space), "--space", "acme/demo", "--dry-run", "--force"
    )
    assert forced.returncode == 0, forced.stderr


def _one_line_failure(result, *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(
    ("where", "status", "words"),
    [
        ("create", 403, ["HTTP 403", "write access to acme"]),
        ("create", 404, ["HTTP 404", "check --space"]),
        ("commit", 409, ["HTTP 409", "publish again"]),
        ("commit", 403, ["HTTP 403"]),
    ],
)
def test_hub_refusals_are_one_line_naming_the_fix(space, tmp_path, where, status, words):
    hub = FakeHub(token=TOKEN, **{f"fail_{where}": status})
    with HubServer(hub):
        result = run_cli(cli_env(tmp_path, hub.url), str(space), "--space", "acme/demo")
    _one_line_failure(result, *words)
    assert hub.commits == []


def test_an_unreachable_hub_is_one_line(space, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli(cli_env(tmp_path, f"http://127.0.0.1:{port}"), str(space), "--space", "a/b")
    _one_line_failure(result, "cannot be reached", "network")


def test_offline_mode_is_one_line(space, tmp_path):
    env = {**cli_env(tmp_path, "http://127.0.0.1:9"), "HF_HUB_OFFLINE": "1"}
    result = run_cli(env, str(space), "--space", "acme/demo")
    _one_line_failure(result, "offline mode", "unset HF_HUB_OFFLINE")
