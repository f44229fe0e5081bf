"""Where the copier template lives: a source checkout, or the installed package."""

import os
from pathlib import Path

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


def facts_file(root: Path | None = None) -> Path:
    return (root or template_root()) / "facts" / "zerogpu.yml"
