"""The rendered default Space kept in examples/: the content of the public template Space.

It is rendered with the default answers and without a lock (a real uv.lock
changes whenever PyPI moves, so it could never be compared byte for byte).
Its Space id comes from facts `hub.template_space`: the folder is named after
the Space and `hub_owner` is its owner, so the README's duplicate badge points
at the template Space itself.
"""

import re
import shutil
import tempfile
from pathlib import Path

from zgscaffold.facts import Facts, load_facts
from zgscaffold.paths import template_root
from zgscaffold.render import new_space

ANSWERS_FILE = ".copier-answers.yml"


def example_dir(facts: Facts, root: Path | None = None) -> Path:
    """examples/<template Space name> in the checkout."""
    name = facts.model.hub.template_space.split("/")[1]
    return (root or template_root()) / "examples" / name


# What the wheel bundles as its template (pyproject's force-include).
TEMPLATE_PARTS = ("copier.yml", "template", "includes", "facts")


def newest_release(root: Path | None = None) -> str:
    """The newest release tag in CHANGELOG.md: the release the example Space stands for.

    Not the package's own version: a dev build's ref changes with every commit,
    and the example must stay byte-identical between releases.
    """
    changelog = ((root or template_root()) / "CHANGELOG.md").read_text(encoding="utf-8")
    found = re.search(r"^## (v\d+(?:\.\d+)*)$", changelog, re.MULTILINE)
    if found is None:
        raise ValueError("CHANGELOG.md names no release (## vX.Y.Z)")
    return found.group(1)


def render_example(dest: Path, facts: Facts | None = None) -> Path:
    """Render the example Space into `dest` (which must not exist or be empty).

    It is rendered as the released package renders: from a plain copy of the
    template (not a git checkout, whose path and HEAD would end up in the
    answers file and the pre-commit config), recording facts
    `hub.template_repo` and the newest release tag (`newest_release`) as the source, so a
    Space created from the template Space can `zgscaffold update`.
    """
    facts = facts or load_facts()
    owner = facts.data["hub"]["template_space"].split("/")[0]
    root = template_root()
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "template"
        plain.mkdir()
        for part in TEMPLATE_PARTS:
            if (root / part).is_dir():
                shutil.copytree(
                    root / part, plain / part, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy2(root / part, plain / part)
        result = new_space(
            dest,
            {"hub_owner": owner, "zgscaffold_release": newest_release(root)},
            defaults=True,
            lock_deps=False,
            template=str(plain),
            template_url=facts.data["hub"]["template_repo"],
        )
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
