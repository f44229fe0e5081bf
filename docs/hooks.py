"""MkDocs hooks: parts of pages built from facts/zerogpu.yml, so the docs never restate a fact.

A page asks for a part with an HTML comment marker, e.g. `<!-- zg:gallery -->`.
The gallery shows a task's screenshot (docs/images/gallery/<task>.png) only
once that file exists, so `mkdocs build --strict` stays green before the
end-to-end tests have produced it.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "facts" / "zerogpu.yml"
GALLERY_DIR = "images/gallery"


def load(path: Path = FACTS) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def screenshot(docs_dir: Path, task: str) -> str | None:
    """The screenshot's path relative to the docs root, if it has been produced."""
    relative = f"{GALLERY_DIR}/{task}.png"
    return relative if (docs_dir / relative).is_file() else None


def gallery(facts: dict[str, Any], docs_dir: Path) -> str:
    parts = []
    for task, preset in facts["tasks"].items():
        duration = preset["duration"]
        dynamic = ", ".join(f"{k} {v}" for k, v in duration["dynamic"].items())
        parts += [
            f"## {preset['emoji']} `{task}`",
            "",
            f"{preset['label']}.",
            "",
            "| | |",
            "|---|---|",
            f"| default model | [`{preset['model']}`](https://huggingface.co/{preset['model']}) |",
            f"| dependencies | {', '.join(f'`{d}`' for d in preset['dependencies'])} |",
            f"| fixed duration | {duration['fixed']} s per call |",
            f"| dynamic duration | driven by {duration['driver']} ({dynamic}) |",
            f"| card tags | {', '.join(f'`{t}`' for t in preset['tags'])} |",
            "",
        ]
        image = screenshot(docs_dir, task)
        if image:
            parts += [f"![The generated {task} app]({image})", ""]
        else:
            parts += [
                f"*No screenshot yet: the browser tests write `docs/{GALLERY_DIR}/{task}.png`.*",
                "",
            ]
        parts += [
            "```bash",
            f"uv run zgscaffold new my-{task} --defaults --task {task}",
            "```",
            "",
        ]
    return "\n".join(parts)


def facts_values(facts: dict[str, Any]) -> str:
    sizes = facts["hardware"]["sizes"]
    duration = facts["duration"]
    torch_rows = [
        f"| {release} | {sidecars['torchvision']} | {sidecars['torchaudio'] or 'none released'} |"
        for release, sidecars in facts["torch"]["supported"].items()
    ]
    size_rows = [
        f"| `{name}` | {size['slice']} | {size['vram_gb']} GB | {size['factor']}x | "
        f"{size['wall_factor']} s | {size['request_factor']} s |"
        for name, size in sizes.items()
    ]
    source_rows = [
        f"| `{source['id']}` | {source['kind']} | {source['listing_recorded_on']} | "
        f"{sum(1 for cell in source['cells'].values() if cell['files'] is not None)}"
        f" of {len(source['cells'])} |"
        for source in facts["wheel_sources"]
    ]
    cap_note = "published" if duration["cap_is_published"] else "**assumed** (not published)"
    return "\n".join(
        [
            f"Facts follow the Hub's ZeroGPU docs as read on **{facts['read_on']}** "
            f"(schema {facts['schema']}).",
            "",
            "| fact | value |",
            "|---|---|",
            f"| hardware flavor id | `{facts['hardware']['flavor']}` |",
            f"| Python | {', '.join(facts['python']['supported'])} "
            f"(default {facts['python']['default']}; "
            f"runtime default {facts['python']['runtime_default']}) |",
            f"| Gradio `sdk_version` | {facts['gradio']['sdk_version']} "
            f"(at least {facts['gradio']['minimum_major']}) |",
            f"| `spaces` checked against | {facts['spaces_package']} |",
            f"| default duration of `@spaces.GPU` | {duration['default_seconds']} s |",
            f"| per-call cap | {duration['cap_seconds']} s, {cap_note} |",
            f"| dynamic estimate | x{duration['safety_margin']}, "
            f"at least {duration['floor_seconds']} s |",
            f"| short_description | at most {facts['frontmatter']['short_description_max']} "
            "characters |",
            "",
            "### Sizes",
            "",
            "| `size=` | slice | VRAM | quota cost | wall time per declared second "
            "| requested per declared second |",
            "|---|---|---|---|---|---|",
            *size_rows,
            "",
            "### Supported torch releases and their side-cars",
            "",
            "| torch | torchvision | torchaudio |",
            "|---|---|---|",
            *torch_rows,
            "",
            "### Wheel sources",
            "",
            "| source | kind | listing recorded on | cells with a recorded listing |",
            "|---|---|---|---|",
            *source_rows,
            "",
        ]
    )


def hub_buttons(facts: dict[str, Any]) -> str:
    space = facts["hub"]["template_space"]
    new = facts["hub"]["new_from_template"].format(space=space)
    duplicate = facts["hub"]["duplicate"].format(space=space)
    return (
        f"[Create a Space from the template]({new}){{ .md-button .md-button--primary }} "
        f"[Duplicate the template Space]({duplicate}){{ .md-button }}"
    )


PARTS: dict[str, Callable[[dict[str, Any], Path], str]] = {
    "gallery": gallery,
    "facts-values": lambda facts, _docs: facts_values(facts),
    "hub-buttons": lambda facts, _docs: hub_buttons(facts),
}


FACT = re.compile(r"<!-- zg:fact ([\w.@-]+) -->")


def fact(facts: dict[str, Any], dotted: str) -> str:
    """One value of the facts file by its dotted path, e.g. `gradio.sdk_version`.

    An integer step indexes a list or a mapping's keys (`torch.supported.-1` is the
    newest supported torch); `@` before it indexes a mapping's values
    (`torch.supported.@-1.torchvision` is that torch's torchvision).
    """
    value: Any = facts
    for key in dotted.split("."):
        if key.startswith("@"):
            value = list(value.values())[int(key[1:])]
        elif key.lstrip("-").isdigit():
            value = list(value)[int(key)]
        else:
            value = value[key]
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def expand(markdown: str, facts: dict[str, Any], docs_dir: Path) -> str:
    """Replace `<!-- zg:NAME -->` parts and `<!-- zg:fact a.b -->` values (also inside code)."""
    markdown = FACT.sub(lambda match: fact(facts, match[1]), markdown)
    for name, part in PARTS.items():
        marker = f"<!-- zg:{name} -->"
        if marker in markdown:
            markdown = markdown.replace(marker, part(facts, docs_dir))
    return markdown


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return expand(markdown, load(), Path(config["docs_dir"]))
