"""Helpers for the update tests: a template repository with three releases.

v0.1.0 is this checkout's template. v0.2.0 changes rules: the supported torch
set moves (2.8.0 leaves, 2.12.0 arrives and becomes the default), the
per-call duration cap rises, a frontmatter key comes from a new fact, a
handler line changes, and a new question (`disable_embedding`) arrives whose
default reproduces the old output. v0.3.0 drops torch 2.11.0, the release
v0.1.0's default Spaces pinned.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from zgscaffold.render import new_space

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_PARTS = ("copier.yml", "template", "includes", "facts")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Owner",
    "GIT_AUTHOR_EMAIL": "owner@example.com",
    "GIT_COMMITTER_NAME": "Owner",
    "GIT_COMMITTER_EMAIL": "owner@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}

# The owner's edits to a v0.1.0 Space: (file, text replaced, replacement).
OWNER_EDITS = [
    (
        "app.py",
        'if __name__ == "__main__":',
        'with demo:\n    gr.Markdown("Made with care by the owner.")\n\nif __name__ == "__main__":',
    ),
    (
        "README.md",
        "\n## Run it locally\n",
        "\nThe owner's own notes on this Space.\n\n## Run it locally\n",
    ),
    (
        "pyproject.toml",
        '    "accelerate>=1.10",\n]',
        '    "accelerate>=1.10",\n    "sentencepiece>=0.2",\n]',
    ),
]
OWNER_TEXT = {
    "app.py": 'gr.Markdown("Made with care by the owner.")',
    "README.md": "The owner's own notes on this Space.",
    "pyproject.toml": '"sentencepiece>=0.2",',
}
# What v0.2.0 brings to a text-generation Space with default answers.
V2_TEXT = {
    "app.py": "skip_special_tokens=True, timeout=60.0)",
    "README.md": "startup_duration_timeout: 1h\n",
    "pyproject.toml": "duration-cap = 150\n",
}
V1_TEXT = {
    "app.py": "skip_special_tokens=True)",
    "pyproject.toml": "duration-cap = 120\n",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def answers_of(space: Path) -> dict:
    return yaml.safe_load((space / ".copier-answers.yml").read_text(encoding="utf-8"))


def files_of(space: Path) -> dict[str, str]:
    """Every file of a Space but its answers file and git data, by relative path."""
    return {
        str(path.relative_to(space)): path.read_text(encoding="utf-8")
        for path in sorted(space.rglob("*"))
        if path.is_file()
        and ".git" not in path.relative_to(space).parts
        and path.name != ".copier-answers.yml"
    }


def markers_in(space: Path) -> list[str]:
    return sorted(
        name
        for name, text in files_of(space).items()
        if "<<<<<<< before updating" in text or ">>>>>>> after updating" in text
    )


def _start_at_torch_2_11(repo: Path) -> None:
    """The releases below are written against torch 2.11.0 as v0.1.0's newest release."""
    facts = repo / "facts" / "zerogpu.yml"
    text = facts.read_text()
    facts.write_text(re.sub(r'    "2\.1[2-9]\.\d+": \{[^}]*\}\n', "", text))


def _release_v2(repo: Path) -> None:
    facts = repo / "facts" / "zerogpu.yml"
    edit(facts, '    "2.8.0": {torchvision: "0.23.0", torchaudio: "2.8.0"}\n', "")
    edit(
        facts,
        '    "2.11.0": {torchvision: "0.26.0", torchaudio: "2.11.0"}\n',
        '    "2.11.0": {torchvision: "0.26.0", torchaudio: "2.11.0"}\n'
        '    "2.12.0": {torchvision: "0.27.0", torchaudio: "2.12.0"}\n',
    )
    edit(facts, "  cap_seconds: 120\n", "  cap_seconds: 150\n")
    edit(facts, "  title_max: 80\n", "  title_max: 80\n  startup_timeout: 1h\n")
    readme = repo / "template" / "README.md.jinja"
    edit(
        readme,
        "suggested_hardware: {{ facts.hardware.flavor }}\n",
        "suggested_hardware: {{ facts.hardware.flavor }}\n"
        "startup_duration_timeout: {{ facts.frontmatter.startup_timeout }}\n",
    )
    edit(
        readme,
        "license: {{ license }}\n",
        "license: {{ license }}\n{% if disable_embedding %}disable_embedding: true\n{% endif %}",
    )
    edit(
        repo / "includes" / "apps" / "text-generation.py.jinja",
        "skip_special_tokens=True)",
        "skip_special_tokens=True, timeout=60.0)",
    )
    edit(
        repo / "copier.yml",
        "torch_version:\n",
        "disable_embedding:\n"
        "  type: bool\n"
        "  help: Keep the Space from being embedded in other sites?\n"
        "  default: false\n\n"
        "torch_version:\n",
    )


def _release_v3(repo: Path) -> None:
    edit(
        repo / "facts" / "zerogpu.yml",
        '    "2.11.0": {torchvision: "0.26.0", torchaudio: "2.11.0"}\n',
        "",
    )


def build_template_repo(repo: Path) -> Path:
    """This checkout's template as v0.1.0, then the v0.2.0 and v0.3.0 rule changes."""
    repo.mkdir(parents=True)
    for part in TEMPLATE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, repo / part)
        else:
            shutil.copy2(source, repo / part)
    _start_at_torch_2_11(repo)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "v0.1.0")
    git(repo, "tag", "v0.1.0")
    _release_v2(repo)
    commit_all(repo, "v0.2.0: torch 2.12.0, 150 s cap, startup timeout, streamer timeout")
    git(repo, "tag", "v0.2.0")
    _release_v3(repo)
    commit_all(repo, "v0.3.0: torch 2.11.0 leaves the supported set")
    git(repo, "tag", "v0.3.0")
    return repo


def render_v1(dest: Path, template_repo: Path, data: dict | None = None) -> Path:
    new_space(dest, data, template=str(template_repo), vcs_ref="v0.1.0", lock_deps=False)
    git(dest, "init", "-q", "-b", "main")
    commit_all(dest, "Space from zgscaffold v0.1.0")
    return dest
