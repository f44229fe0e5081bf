"""Where `copier update` fetches a Space's template: the source its answers file records.

A render from a git checkout records the checkout's path and tag itself. A
render from the template bundled in the installed package (a plain folder)
records nothing copier can update from, so zgscaffold writes the canonical
git URL (facts `hub.template_repo`, or ZGSCAFFOLD_TEMPLATE_URL for a fork or a
mirror) and the tag of the package's release instead: the bundled files equal
that tagged tree. A mirror (ZGSCAFFOLD_TEMPLATE_MIRROR) serves a recorded URL
from elsewhere, e.g. offline, through git's `url.<mirror>.insteadOf`.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from packaging.version import Version

from zgscaffold import __version__
from zgscaffold.errors import BadInput
from zgscaffold.facts import load_facts

TEMPLATE_URL_ENV = "ZGSCAFFOLD_TEMPLATE_URL"
MIRROR_ENV = "ZGSCAFFOLD_TEMPLATE_MIRROR"
ANSWERS_FILE = ".copier-answers.yml"
_URL = re.compile(r"^(git\+)?[a-z][a-z0-9+.-]*://|^gh:|^gl:|^[\w.-]+@[\w.-]+:")


def release_ref(version: str = __version__) -> str:
    """The git tag of this package's release: its bundled template equals that tree.

    A dev build (an untagged commit, hatch-vcs's X.Y.devN+g<hash>) has no tag:
    its ref is the commit it was built from, which exists in the canonical
    repository once pushed. See `release_note`.
    """
    parsed = Version(version)
    if not parsed.is_devrelease and parsed.local is None:
        return f"v{version}"
    commit = re.search(r"(?:^|\.)g([0-9a-f]{7,40})(?:\.|$)", parsed.local or "")
    return commit.group(1) if commit else f"v{parsed.base_version}"


def release_note(version: str = __version__) -> str | None:
    """What a render by a dev build must say: its ref is not a release tag."""
    if release_ref(version).startswith("v") and not Version(version).is_devrelease:
        return None
    return (
        f"zgscaffold {version} is not a tagged release: the Space records commit "
        f"{release_ref(version)}, which `zgscaffold update` can reach only once that commit "
        f"is pushed to the recorded source; install a release (`uv tool install zgscaffold`) "
        f"for Spaces that update from tag to tag"
    )


def is_url(location: str) -> bool:
    return bool(_URL.match(location))


def as_source(location: str) -> str:
    """A git URL as given; a plain path made absolute (copier resolves relative ones
    against the folder it runs in, which differs at update time)."""
    location = location.strip()
    if not location:
        raise BadInput("the template URL is empty: give a git URL or the path of a git clone")
    if is_url(location):
        return location
    return str(Path(location).expanduser().absolute())


def template_url(override: str | None = None) -> str:
    """The source to record for a render of the bundled template."""
    canonical = load_facts().data["hub"]["template_repo"]
    return as_source(override or os.environ.get(TEMPLATE_URL_ENV) or canonical)


def read_answers(space: Path) -> dict[str, Any]:
    path = space / ANSWERS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(
            f"{space} has no {ANSWERS_FILE}: update a Space made by zgscaffold or copier"
        ) from None
    except (OSError, yaml.YAMLError) as error:
        raise BadInput(f"{path} cannot be read ({error}): restore it from git") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path} holds no answers: restore it from git")
    return data


def _git_url(source: str) -> str:
    """The URL copier hands to git for a recorded `_src_path`."""
    # copier has no public name for it; copier is pinned below 10 and
    # tests/test_dependencies.py holds the shapes used here
    from copier._vcs import get_repo  # the same normalisation copier applies

    return get_repo(source) or source


@contextmanager
def mirrored(recorded: str | None, mirror: str | None) -> Iterator[None]:
    """While active, git fetches `recorded` from `mirror` (url.<mirror>.insteadOf).

    Uses git's GIT_CONFIG_COUNT variables, so nothing is written to any git config.
    """
    mirror = mirror or os.environ.get(MIRROR_ENV)
    if not mirror or not recorded:
        yield
        return
    from plumbum import local  # copier runs git through plumbum, which copies the environment

    target = _git_url(as_source(mirror))
    index = int(local.env.get("GIT_CONFIG_COUNT", "0") or 0)
    added = {
        "GIT_CONFIG_COUNT": str(index + 1),
        f"GIT_CONFIG_KEY_{index}": f"url.{target}.insteadOf",
        f"GIT_CONFIG_VALUE_{index}": _git_url(recorded),
    }
    saved = {key: os.environ.get(key) for key in added}
    os.environ.update(added)
    try:
        with local.env(**added):
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
