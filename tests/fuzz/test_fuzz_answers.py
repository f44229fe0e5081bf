"""Random answer sets through copier: each is refused with a message naming a question
and nothing written, or renders a Space whose files parse, whose card gives back every
answer, and which the checker passes."""

import ast
import re
import tomllib
import warnings

import copier
import yaml
from fuzzing import (
    COERCED,
    REPO,
    SECONDS_PER_RENDER,
    any_text,
    bounded,
    fuzz_settings,
    refused_character,
)
from huggingface_hub import SpaceCard
from hypothesis import event, given
from hypothesis import strategies as st

from zgscaffold.check import check_paths
from zgscaffold.facts import load_facts

FACTS = load_facts()
QUESTIONS = [key for key in yaml.safe_load((REPO / "copier.yml").read_text()) if key[0] != "_"]
TEXT_ANSWERS = ("space_name", "space_title", "short_description", "emoji", "model_id")
TEXT_ANSWERS += ("adapter_id", "hub_owner")
hub_id = st.from_regex(
    r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}(/[A-Za-z0-9][A-Za-z0-9._-]{0,12})?", fullmatch=True
)


def choice(values) -> st.SearchStrategy:
    """A valid value 4 times in 5, so that most answer sets get past most questions."""
    valid = st.sampled_from(list(values))
    return st.one_of(valid, valid, valid, valid, any_text | st.sampled_from(COERCED))


def text() -> st.SearchStrategy:
    return st.one_of(any_text, st.sampled_from(COERCED), hub_id)


answers = st.fixed_dictionaries(
    {},
    optional={
        "space_name": st.one_of(hub_id.filter(lambda name: "/" not in name), text()),
        "space_title": text(),
        "short_description": text(),
        "emoji": st.one_of(st.sampled_from(["🚀", "🧷", "✨", "🇯🇵", "👩‍💻"]), text()),
        "task": choice(FACTS.tasks),
        "model_id": text(),
        "adapter_id": text(),
        "color_from": choice(FACTS.data["frontmatter"]["colors"]),
        "color_to": choice(FACTS.data["frontmatter"]["colors"]),
        "license": choice(FACTS.data["frontmatter"]["licenses"]),
        "gpu_size": choice(FACTS.data["hardware"]["sizes"]),
        "duration_strategy": choice(["fixed", "dynamic"]),
        "duration_seconds": st.one_of(st.integers(-5, 200), st.integers(-(10**30), 10**30)),
        "python_version": choice([*FACTS.supported_python, "3.11"]),
        "torch_version": choice(FACTS.supported_torch),
        "cuda_packages": st.lists(choice(FACTS.cuda_packages), max_size=2, unique=True),
        "hub_owner": st.one_of(st.just(""), text()),
        "github_actions": st.booleans(),
    },
)


@fuzz_settings(default_examples=5)
@given(data=answers)
def test_answer_sets_render_or_are_refused(tmp_path_factory, template_copy, data):
    folder = tmp_path_factory.mktemp("answers")
    dest = folder / "space"
    bad = {
        key: refused_character(data[key]) for key in TEXT_ANSWERS if isinstance(data.get(key), str)
    }
    with bounded(f"rendering {data!r}", SECONDS_PER_RENDER), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            copier.run_copy(str(template_copy), dest, data=data, defaults=True, quiet=True)
        except ValueError as refusal:
            named = [name for name in QUESTIONS if name in str(refusal)]
            assert named, refusal  # the message names the question it refuses
            assert list(folder.iterdir()) == []
            quoted = re.search(r"'(\w+)'", str(refusal))
            event(f"refused: {quoted.group(1) if quoted else named[0]}")
            return
    event("rendered")
    # the answer with a refused character may be one copier never asked (adapter_id
    # outside chat-lora), so only an asked one must have been refused
    given_answers = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))
    for key, character in bad.items():
        assert character is None or key not in given_answers, (key, character)
    card = SpaceCard.load(dest / "README.md").data.to_dict()
    models = [given_answers["model_id"]]
    if given_answers["task"] == "chat-lora":
        models.append(given_answers["adapter_id"])
    expected = {
        "title": given_answers["space_title"],
        "short_description": given_answers["short_description"],
        "emoji": given_answers["emoji"],
        "colorFrom": given_answers["color_from"],
        "colorTo": given_answers["color_to"],
        "license": given_answers["license"],
        "python_version": given_answers["python_version"],
        "models": models,
        "preload_from_hub": models,
    }
    assert {key: card.get(key) for key in expected} == expected
    pyproject = tomllib.loads((dest / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == given_answers["short_description"]
    for path in dest.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    with bounded(f"checking the render of {data!r}"):
        findings = check_paths([dest], facts=FACTS)
    assert findings == [], [str(f) for f in findings]
