"""The template copied once as a plain folder, which every fuzz test renders."""

import pytest
from fuzzing import template_copy


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return template_copy(tmp_path_factory.mktemp("template"))
