"""The rendered default Space kept in examples/: the content of the public template Space.

It is rendered with the default answers and without a lock (a real uv.lock
changes whenever PyPI moves, so it could never be compared byte for byte).
Its Space id comes from facts `hub.template_space`: the folder is named after
the Space and `hub_owner` is its owner, so the README's duplicate badge points
at the template Space itself.
"""

import shutil
import tempfile
from pathlib import Path

from zgscaffold.facts import Facts, load_facts
from zgscaffold.paths import template_root
from zgscaffold.render import new_space

ANSWERS_FILE = ".copier-answers.yml"


def example_dir(facts: Facts, root: Path | None = None) -> Path:
    """examples/<template Space name> in the checkout."""
    name = facts.data["hub"]["template_space"].split("/")[1]
    return (root or template_root()) / "examples" / name


def normalize_answers(text: str, facts: Facts) -> str:
    """Pin the two answers that depend on where and when the render ran.

    `_src_path` (the checkout's absolute path) becomes the public template
    repository; `_commit` (the checkout's HEAD, which changes with every
    commit, including the one that updates this example) is dropped.
    """
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith("_commit:"):
            continue
        if line.startswith("_src_path:"):
            line = f"_src_path: {facts.data['hub']['template_repo']}\n"
        lines.append(line)
    return "".join(lines)


def render_example(dest: Path, facts: Facts | None = None) -> Path:
    """Render the example Space into `dest` (which must not exist or be empty)."""
    facts = facts or load_facts()
    owner = facts.data["hub"]["template_space"].split("/")[0]
    result = new_space(dest, {"hub_owner": owner}, defaults=True, lock_deps=False)
    answers = result.path / ANSWERS_FILE
    answers.write_text(normalize_answers(answers.read_text(encoding="utf-8"), facts), "utf-8")
    return result.path


def refresh_example(facts: Facts | None = None) -> Path:
    """Re-render examples/<Space> in place (a maintainer step after template changes)."""
    facts = facts or load_facts()
    target = example_dir(facts)
    with tempfile.TemporaryDirectory() as scratch:
        fresh = render_example(Path(scratch) / target.name, facts)
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh, target)
    return target


if __name__ == "__main__":
    print(f"rendered {refresh_example()}")
