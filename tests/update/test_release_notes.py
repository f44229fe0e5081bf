"""The changelog names the current release and every answer key the template asks."""

import re

import yaml
from update_repos import REPO

from zgscaffold.source import release_ref


def changelog() -> str:
    return (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_current_version_has_a_changelog_section():
    """A release has its `## vX.Y.Z` section; a dev build (untagged) its Unreleased one."""
    ref = release_ref()
    heading = f"## {ref}" if ref.startswith("v") else "## Unreleased"
    assert re.search(rf"^{re.escape(heading)}$", changelog(), re.MULTILINE)


def test_every_asked_key_is_named_where_it_was_added():
    config = yaml.safe_load((REPO / "copier.yml").read_text(encoding="utf-8"))
    asked = {
        key
        for key, spec in config.items()
        if not key.startswith("_") and not (isinstance(spec, dict) and spec.get("when") is False)
    }
    added = set()
    for section in re.findall(r"^### Answer keys added\n(.*?)(?=^#|\Z)", changelog(), re.M | re.S):
        added.update(re.findall(r"[a-z][a-z0-9_]*", section))
    assert asked - added == set(), "name new answer keys in CHANGELOG.md"
