"""Where the copier template lives: a source checkout, or the installed package."""

import os
from pathlib import Path

from zgscaffold.errors import BadInput

TEMPLATE_ENV = "ZGSCAFFOLD_TEMPLATE"
_PACKAGE_DIR = Path(__file__).resolve().parent


def template_root() -> Path:
    """The folder that holds copier.yml, template/ and facts/.

    `ZGSCAFFOLD_TEMPLATE` wins; then a source checkout (this package under
    src/); then the copy bundled into the wheel.
    """
    override = os.environ.get(TEMPLATE_ENV)
    if override:
        return Path(override).expanduser().resolve()
    checkout = _PACKAGE_DIR.parents[1]
    if (checkout / "copier.yml").is_file() and (checkout / "template").is_dir():
        return checkout
    return bundled_template()


def bundled_template() -> Path:
    """The template copied into the wheel (a plain folder, not a git checkout)."""
    return _PACKAGE_DIR / "_template"


def require_checkout(command: str) -> Path:
    """The template root, unless it is the copy bundled into the installed package.

    Maintainer commands that write the facts must never rewrite the copy inside
    an installed package (site-packages), which the next install replaces.
    """
    root = template_root()
    if root.resolve() == bundled_template().resolve():
        raise BadInput(
            f"`zgscaffold {command}` rewrites facts/zerogpu.yml of a zgscaffold git checkout, "
            f"not of an installed package: run it in a clone (`uv run zgscaffold {command}`) "
            f"or point {TEMPLATE_ENV} at one"
        )
    return root


def facts_file(root: Path | None = None) -> Path:
    return (root or template_root()) / "facts" / "zerogpu.yml"
