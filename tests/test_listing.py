"""Recording wheel listings into the facts file, offline against a saved listing."""

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from typer.testing import CliRunner

from zgscaffold import listing, wheels
from zgscaffold.cli import app
from zgscaffold.facts import load_facts

SAVED = Path(__file__).parent / "data" / "zerogpu-blackwell-wheels-listing.txt"


@pytest.fixture
def facts_copy(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "tpl"
    (root / "facts").mkdir(parents=True)
    shutil.copy(REPO / "facts" / "zerogpu.yml", root / "facts" / "zerogpu.yml")
    shutil.copytree(REPO / "includes", root / "includes")  # the wheel-choice macros
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE", str(root))
    return root / "facts" / "zerogpu.yml"


def test_refresh_records_the_saved_listing_and_keeps_the_rest(facts_copy):
    before = yaml.safe_load(facts_copy.read_text())
    live = listing.live_listings(saved=SAVED)
    diffs = listing.refresh(live)
    assert diffs[0].changed
    after = load_facts(facts_copy)
    cell = after.wheel_sources[0]["cells"]["pt211-cu130-cp312"]
    assert cell["files"][0] == "flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"
    assert cell["torch"] == "2.11"
    # Everything above the marker is untouched, comments included.
    head = facts_copy.read_text().split(listing.MARKER)[0]
    assert head == (REPO / "facts" / "zerogpu.yml").read_text().split(listing.MARKER)[0]
    assert {k: v for k, v in after.data.items() if k != "wheel_sources"} == {
        k: v for k, v in before.items() if k != "wheel_sources"
    }
    # The GitHub release source is not a Hub dataset and keeps its recorded file.
    assert after.wheel_sources[1] == before["wheel_sources"][1]
    assert wheels.best_torch(after, ["flash-attn", "xformers"], "3.12") == "2.11.0"


def test_refresh_is_idempotent_and_check_agrees(facts_copy):
    live = listing.live_listings(saved=SAVED)
    listing.refresh(live)
    text = facts_copy.read_text()
    assert not any(diff.changed for diff in listing.refresh(live))
    assert facts_copy.read_text() == text
    assert not any(diff.changed for diff in listing.compare(live))


def test_wheels_check_and_refresh_commands(facts_copy):
    runner = CliRunner()
    check = runner.invoke(app, ["wheels", "--check", "--from-listing", str(SAVED)])
    assert check.exit_code == 1
    assert "differs" in check.output
    refresh = runner.invoke(app, ["wheels", "--refresh", "--from-listing", str(SAVED)])
    assert refresh.exit_code == 0
    assert "recorded" in refresh.output
    again = runner.invoke(app, ["wheels", "--check", "--from-listing", str(SAVED)])
    assert again.exit_code == 0
    assert "up to date" in again.output


def test_unreadable_saved_listing_is_one_line(facts_copy, tmp_path):
    result = CliRunner().invoke(app, ["wheels", "--check", "--from-listing", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "cannot read the saved listing" in result.output
    assert "Traceback" not in result.output


def test_fetch_repo_files_speaks_the_hub_api(tmp_path):
    """The online path, against a local server answering the Hub's tree endpoint."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    files = SAVED.read_text().split()
    seen = []

    class Tree(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            body = json.dumps(
                [{"type": "file", "path": p, "oid": "0" * 40, "size": 1} for p in files]
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tree)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        got = listing.fetch_repo_files("multimodalart/zerogpu-blackwell-wheels", endpoint)
    finally:
        server.shutdown()
    assert got == files
    assert seen[0].startswith("/api/datasets/multimodalart/zerogpu-blackwell-wheels/tree/main")
