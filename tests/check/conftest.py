"""Fixtures of the checker tests."""

from collections.abc import Callable
from pathlib import Path

import pytest
from space_fixtures import good_files, write_space

from zgscaffold.facts import Facts


@pytest.fixture
def make_space(tmp_path: Path, facts: Facts) -> Callable[..., Path]:
    """A copy of the obeying Space with some files replaced (None deletes a file)."""

    def make(changes: dict[str, str | bytes | None] | None = None, name: str = "space") -> Path:
        files: dict[str, str | bytes] = dict(good_files(facts))
        for key, value in (changes or {}).items():
            if value is None:
                files.pop(key, None)
            else:
                files[key] = value
        return write_space(tmp_path / name, files)

    return make
