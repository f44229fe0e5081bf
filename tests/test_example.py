"""examples/<template Space> is exactly what the template renders today."""

from pathlib import Path

import yaml

from zgscaffold.example import ANSWERS_FILE, example_dir, newest_release, render_example

REPO = Path(__file__).resolve().parents[1]


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_example_equals_a_fresh_render(tmp_path, facts):
    kept = example_dir(facts, REPO)
    fresh = render_example(tmp_path / kept.name, facts)
    kept_files, fresh_files = tree(kept), tree(fresh)
    assert sorted(kept_files) == sorted(fresh_files), (
        "re-render: uv run python -m zgscaffold.example"
    )
    for name, content in fresh_files.items():
        assert kept_files[name] == content, f"{name} drifted; re-render it"


def test_example_is_the_template_space(facts):
    kept = example_dir(facts, REPO)
    owner, name = facts.data["hub"]["template_space"].split("/")
    answers = yaml.safe_load((kept / ANSWERS_FILE).read_text())
    assert answers["space_name"] == name
    assert answers["hub_owner"] == owner
    assert answers["_src_path"] == facts.data["hub"]["template_repo"]
    assert answers["_commit"] == newest_release(REPO)
    assert f"uvx zgscaffold=={newest_release(REPO)[1:]} check ." in (kept / "README.md").read_text()
    assert answers["github_actions"] is False
    assert not (kept / "uv.lock").exists()
    duplicate = facts.data["hub"]["duplicate"].format(space=f"{owner}/{name}")
    assert f"]({duplicate})" in (kept / "README.md").read_text()
