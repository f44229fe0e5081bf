"""Any answer text comes out as valid YAML, TOML and Python, and is never executed."""

import ast
import tomllib

import copier
import pytest
from conftest import REPO
from huggingface_hub import SpaceCard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TRICKY = [
    'Say "hi": it\'s {{ 7 * 7 }}',
    "colon: value # not a comment",
    "🚀 emoji, ünïcödé and 中文",
    "back\\slash \\n not a newline",
    "{% raw %}{{ _copier_conf }}{% endraw %}",
    "- starts like a list",
    "yes",
    "null",
    "'; import os; os.system('echo pwned') #",
    '"""triple"""',
]

# Printable text without line breaks or control characters, as the validators require.
one_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60
).filter(lambda text: text.strip())


def render(tmp_path, title: str, description: str):
    dest = tmp_path / "space"
    copier.run_copy(
        str(REPO),
        dest,
        data={"space_title": title, "short_description": description[:60]},
        defaults=True,
        quiet=True,
        vcs_ref="HEAD",
    )
    return dest


def assert_round_trips(dest, title: str, description: str) -> None:
    card = SpaceCard.load(dest / "README.md")
    assert card.data.title == title
    assert card.data.short_description == description[:60]
    pyproject = tomllib.loads((dest / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == description[:60]
    tree = ast.parse((dest / "app.py").read_text())
    titles = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and ast.unparse(node.targets[0]) == "TITLE"
        and isinstance(node.value, ast.Constant)
    ]
    assert titles == [title]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_round_trips(tmp_path, text):
    dest = render(tmp_path, text, text)
    assert_round_trips(dest, text, text)
    assert not (tmp_path / "pwned").exists()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=one_line.filter(lambda t: len(t) <= 80), description=one_line)
def test_any_one_line_text_round_trips(tmp_path_factory, title, description):
    tmp_path = tmp_path_factory.mktemp("text")
    dest = render(tmp_path, title, description)
    assert_round_trips(dest, title, description)
