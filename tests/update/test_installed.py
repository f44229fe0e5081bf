"""Spaces rendered by the installed package (a wheel, not a git checkout) can be updated.

The wheel is built from this checkout with `uv build` and installed with
`uv pip install --target`; the CLI then runs from that copy only. Its bundled
template equals the template repository's v0.1.0 tree, as a release's does.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from update_repos import OWNER_TEXT, REPO, V2_TEXT, answers_of, commit_all, edit, files_of, git

from zgscaffold import lock
from zgscaffold.facts import load_facts

CANONICAL = load_facts(REPO / "facts" / "zerogpu.yml").data["hub"]["template_repo"]
COPIER = str(Path(sys.executable).with_name("copier"))
RELEASE = "0.1.0"  # the wheel is built as the release tagged v0.1.0 in template_repo


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """site-packages holding only the zgscaffold wheel built from this checkout."""
    dist = tmp_path_factory.mktemp("dist")
    site = tmp_path_factory.mktemp("site")
    uv = lock.uv_binary()
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        # What hatch-vcs reads from the tag v0.1.0 on a release build.
        env={**os.environ, "SETUPTOOLS_SCM_PRETEND_VERSION": RELEASE},
    )
    (wheel,) = dist.glob("zgscaffold-*.whl")
    subprocess.run(
        [uv, "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    return site


def run_installed(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ZGSCAFFOLD_")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**environ, "PYTHONPATH": str(site), **env},
        stdin=subprocess.DEVNULL,
    )


def new_from_wheel(site: Path, where: Path, **env: str) -> Path:
    result = run_installed(
        site,
        where,
        "-m",
        "zgscaffold",
        "new",
        "chat-demo",
        "--defaults",
        "--no-lock",
        # The synthetic releases (update_repos.py) start from torch 2.11.0 as the newest.
        "--torch-version",
        "2.11.0",
        **env,
    )
    assert result.returncode == 0, result.stderr
    space = where / "chat-demo"
    git(space, "init", "-q", "-b", "main")
    commit_all(space, "Space from the installed zgscaffold")
    return space


def test_the_wheel_bundles_the_template_and_runs_from_it(installed, tmp_path):
    where = run_installed(
        installed, tmp_path, "-c", "import zgscaffold.paths as p; print(p.template_root())"
    )
    assert where.stdout.strip() == str(installed / "zgscaffold" / "_template")
    for part in ("copier.yml", "template", "includes", "facts"):
        assert (installed / "zgscaffold" / "_template" / part).exists(), part


def test_a_bundled_render_records_the_canonical_git_source_and_tag(installed, tmp_path):
    space = new_from_wheel(installed, tmp_path)
    answers = answers_of(space)
    assert answers["_src_path"] == CANONICAL
    assert answers["_commit"] == f"v{RELEASE}"
    text = (space / ".copier-answers.yml").read_text()
    assert text.startswith("# Written by copier from the zgscaffold template; do not edit by hand.")
    hooks = (space / ".pre-commit-config.yaml").read_text()
    assert f"rev: v{RELEASE}\n" in hooks


def test_update_from_the_canonical_source_through_a_local_mirror(installed, remote, tmp_path):
    """The canonical URL is served by the mirror: `git daemon` on 127.0.0.1 (git:// only)."""
    space = new_from_wheel(installed, tmp_path)
    for name, old, new in [
        (
            "app.py",
            'if __name__ == "__main__":',
            'with demo:\n    gr.Markdown("Made with care by the owner.")\n\n'
            'if __name__ == "__main__":',
        ),
        (
            "pyproject.toml",
            '    "accelerate>=1.10",\n]',
            '    "accelerate>=1.10",\n    "sentencepiece>=0.2",\n]',
        ),
    ]:
        edit(space / name, old, new)
    commit_all(space, "Owner's edits")
    result = run_installed(
        installed,
        space,
        "-m", "zgscaffold", "update", "--no-lock", "--vcs-ref", "v0.2.0",
        ZGSCAFFOLD_TEMPLATE_MIRROR=remote,
        GIT_ALLOW_PROTOCOL="git",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    files = files_of(space)
    for name, text in V2_TEXT.items():
        assert text in files[name]
    assert OWNER_TEXT["app.py"] in files["app.py"]
    assert OWNER_TEXT["pyproject.toml"] in files["pyproject.toml"]
    answers = answers_of(space)
    assert answers["_src_path"] == CANONICAL  # the record still names the canonical source
    assert answers["_commit"] == "v0.2.0"


def test_plain_copier_updates_through_a_mirror_set_in_git_config(
    installed, template_repo, tmp_path
):
    space = new_from_wheel(installed, tmp_path)
    mirror = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{template_repo}.insteadOf",
        "GIT_CONFIG_VALUE_0": CANONICAL,
        "GIT_ALLOW_PROTOCOL": "file",
    }
    result = subprocess.run(
        [COPIER, "update", "--defaults", "--vcs-ref", "v0.2.0"],
        cwd=space,
        capture_output=True,
        text=True,
        env={**os.environ, **mirror},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert V2_TEXT["README.md"] in (space / "README.md").read_text()
    assert answers_of(space)["_commit"] == "v0.2.0"


def test_a_fork_url_is_recorded_and_plain_copier_follows_it(installed, template_repo, tmp_path):
    fork = f"git+file://{template_repo}"
    space = new_from_wheel(installed, tmp_path, ZGSCAFFOLD_TEMPLATE_URL=fork)
    assert answers_of(space)["_src_path"] == fork
    result = subprocess.run(
        [COPIER, "update", "--defaults", "--vcs-ref", "v0.2.0"],
        cwd=space,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert V2_TEXT["app.py"] in (space / "app.py").read_text()


def test_a_space_without_a_recorded_source_is_refused_in_one_line(installed, tmp_path):
    space = new_from_wheel(installed, tmp_path)
    answers = space / ".copier-answers.yml"
    answers.write_text(
        "".join(
            line
            for line in answers.read_text().splitlines(keepends=True)
            if not line.startswith("_")
        )
    )
    commit_all(space, "Lost the template source")
    result = run_installed(installed, space, "-m", "zgscaffold", "update", "--no-lock")
    assert result.returncode == 2
    assert "records no template git source and tag (_src_path, _commit)" in result.stderr
    assert f"_commit: v{RELEASE}" in result.stderr
    assert "Traceback" not in result.stderr


def test_wheels_refresh_never_rewrites_the_installed_facts(installed, tmp_path):
    facts = installed / "zgscaffold" / "_template" / "facts" / "zerogpu.yml"
    before = facts.read_bytes()
    saved = tmp_path / "listing.txt"
    saved.write_text("pt211-cu130-cp312/flash_attn-9.9.9-cp312-cp312-linux_x86_64.whl\n")
    result = run_installed(
        installed, tmp_path, "-m", "zgscaffold", "wheels", "--refresh", "--from-listing", str(saved)
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "rewrites facts/zerogpu.yml of a zgscaffold git checkout" in result.stderr
    assert "Traceback" not in result.stderr
    assert facts.read_bytes() == before
