"""Any answer text comes out as valid YAML, TOML and Python, and is never executed."""

import ast
import tomllib

import copier
import pytest
from conftest import REPO
from fuzz.fuzzing import refused_character as refused
from huggingface_hub import SpaceCard
from hypothesis import HealthCheck, example, given, settings
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

SPECIAL = ["\x85", "\x9f", "\x00", "\t", "\n", "\u2028", "\ufffe", "\uffff", "\U0010fffe"]
SPECIAL += ["\udcff", "\ud800", "\ufdd0", "\ufeff", "\u200b", "\xa0", "'", '"', "\\", "#", ":"]
# Any text at all: every character class, with the ones formats trip on drawn often.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None, categories=None),
        st.characters(categories=["Cs"]),
        st.sampled_from(SPECIAL),
    ),
    min_size=1,
    max_size=60,
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
@given(title=any_text.filter(lambda t: len(t) <= 80), description=any_text)
@example(title="0", description="\x1b\x85")  # a control before a line break: the first is named
def test_any_text_round_trips_or_is_refused_naming_the_character(
    tmp_path_factory, title, description
):
    tmp_path = tmp_path_factory.mktemp("text")
    bad = [
        (name, refused(text))
        for name, text in (("space_title", title), ("short_description", description[:60]))
    ]
    bad = [(name, character) for name, character in bad if character is not None]
    if not bad:
        assert_round_trips(render(tmp_path, title, description), title, description)
        return
    with pytest.raises(ValueError, match="contains U\\+") as refusal:
        render(tmp_path, title, description)
    name, character = bad[0]
    assert f"{name} contains U+{ord(character):04X}" in str(refusal.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("model_id", ["null", "off", "010", "0x1f", "2024-01-01", "1e3", "True"])
def test_model_ids_yaml_would_coerce_stay_strings(tmp_path, model_id):
    dest = tmp_path / "space"
    data = {"task": "chat-lora", "model_id": model_id, "adapter_id": "no"}
    copier.run_copy(str(REPO), dest, data=data, defaults=True, quiet=True, vcs_ref="HEAD")
    card = SpaceCard.load(dest / "README.md").data.to_dict()
    assert card["models"] == [model_id, "no"]
    assert card["preload_from_hub"] == [model_id, "no"]


def test_every_answer_comes_back_from_the_card(tmp_path):
    answers = {
        "space_title": "x: [y] # z \ufeff",
        "short_description": "- 'yes' & \"no\" \u200b",
        "emoji": "🧷",
        "color_from": "red",
        "color_to": "gray",
        "license": "mit",
        "python_version": "3.12",
        "task": "chat-lora",
        "model_id": "off",
        "adapter_id": "0x1f",
    }
    dest = tmp_path / "space"
    copier.run_copy(str(REPO), dest, data=answers, defaults=True, quiet=True, vcs_ref="HEAD")
    card = SpaceCard.load(dest / "README.md").data.to_dict()
    expected = {
        "title": answers["space_title"],
        "short_description": answers["short_description"],
        "emoji": answers["emoji"],
        "colorFrom": answers["color_from"],
        "colorTo": answers["color_to"],
        "license": answers["license"],
        "python_version": answers["python_version"],
        "models": [answers["model_id"], answers["adapter_id"]],
        "preload_from_hub": [answers["model_id"], answers["adapter_id"]],
    }
    assert {key: card.get(key) for key in expected} == expected
