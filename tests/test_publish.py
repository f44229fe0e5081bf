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
