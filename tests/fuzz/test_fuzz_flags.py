"""Random flags and folder names through `zgscaffold new` (the console script's main):
exit 0 with a Space whose card loads, or exit 2 with one line of text and nothing on
disk; never a traceback, markup error or raw escape sequence."""

from fuzzing import (
    COERCED,
    SECONDS_PER_RENDER,
    any_text,
    bounded,
    fuzz_settings,
    run_cli,
)
from huggingface_hub import SpaceCard
from hypothesis import given
from hypothesis import strategies as st

from zgscaffold.facts import load_facts

FACTS = load_facts()
CHOICES = {
    "--task": list(FACTS.tasks),
    "--gpu-size": list(FACTS.data["hardware"]["sizes"]),
    "--duration-strategy": ["fixed", "dynamic"],
    "--python-version": FACTS.supported_python,
    "--torch-version": FACTS.supported_torch,
    "--cuda-packages": list(FACTS.cuda_packages),
    "--color-from": FACTS.data["frontmatter"]["colors"],
    "--license": FACTS.data["frontmatter"]["licenses"],
}
TEXT_FLAGS = [
    "--space-name",
    "--space-title",
    "--short-description",
    "--emoji",
    "--hub-owner",
    "--model-id",
    "--adapter-id",
]
value = st.one_of(
    any_text, st.sampled_from(COERCED), st.sampled_from(["[/]", "[bold]x[/]", "\x1b[31m"])
)
# argv cannot hold NUL; folder names with "/" are paths, destinations are another suite's
folder_name = st.one_of(
    st.sampled_from(["space", "my[bold]space", "[red]x", "a b", "émoji🚀", "x\x1b[0m"]),
    any_text.map(lambda text: text.replace("/", "_").replace("\x00", "").strip() or "s"),
).filter(lambda name: name not in (".", "..") and len(name.encode("utf-8", "surrogatepass")) < 200)


@st.composite
def flags(draw):
    drawn = []
    for flag in draw(
        st.lists(st.sampled_from([*TEXT_FLAGS, *CHOICES, "--duration-seconds"]), max_size=5)
    ):
        if flag in CHOICES:
            drawn += [flag, draw(st.one_of(st.sampled_from(list(CHOICES[flag])), value))]
        elif flag == "--duration-seconds":
            drawn += [flag, draw(st.one_of(st.integers(-5, 10**6).map(str), value))]
        else:
            drawn += [flag, draw(value)]
    return [item.replace("\x00", "") for item in drawn]


@fuzz_settings(default_examples=3)
@given(name=folder_name, args=flags())
def test_flag_sets_render_or_are_refused_in_one_line(tmp_path_factory, template_copy, name, args):
    parent = tmp_path_factory.mktemp("flags")
    dest = parent / name
    command = ["new", str(dest), "--defaults", "--no-lock", "--template", str(template_copy), *args]
    with bounded(f"zgscaffold {command!r}", SECONDS_PER_RENDER):
        code, out, err = run_cli(command)
    assert "Traceback" not in out + err and "\x1b" not in out + err, (out, err)
    if code == 0:
        SpaceCard.load(dest / "README.md")
        return
    assert code == 2, (code, out, err)
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
    assert list(parent.iterdir()) == []
