"""ZG7xx: Gradio events and examples."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import FACTS, E, Finding, Rule, W
from zgscaffold.check.rules.base import ModuleChecks, _string

FAMILY = "Gradio examples and arguments"
RULES = (
    Rule("ZG701", W, "gr.Examples with `run_on_click` sets `cache_examples=False`"),
    Rule("ZG702", W, 'examples of GPU functions are not cached with `cache_mode="eager"`'),
    Rule("ZG703", E, "no Gradio argument the `sdk_version`'s release removed", needs=(FACTS,)),
)


REPLACEMENTS = {
    "cache_examples": 'use cache_examples=True with cache_mode="lazy"',
    "show_api": "remove it (hide endpoints with api_visibility on events, if needed)",
    "type": "remove it (messages are the only format)",
}


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg70x_examples()
        yield from self.zg703_removed_arguments()

    # --- ZG703 -----------------------------------------------------------------
    def _gradio_major(self) -> int | None:
        front = self.project.space.frontmatter
        version = front.data.get("sdk_version") if front is not None else None
        text = str(version if version is not None else self.project.facts.sdk_version)
        head = text.strip().split(".")[0]
        return int(head) if head.isdigit() else None

    def zg703_removed_arguments(self) -> Iterator[Finding]:
        major = self._gradio_major()
        if major is None:
            return
        removed = [
            (int(release), entry)
            for release, entries in self.project.facts.data["checker"]["gradio_removed"].items()
            if int(release) <= major
            for entry in entries
        ]
        if not removed:
            return
        info = self.info
        for node in info.nodes:
            if not isinstance(node, ast.Call):
                continue
            resolved = info.resolve(node.func) or ""
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            for release, entry in removed:
                call = entry["call"]
                if call != resolved and not ("." not in call and call == method):
                    continue
                for keyword in node.keywords:
                    if keyword.arg != entry["argument"]:
                        continue
                    value = entry.get("value")
                    if value is not None and _string(keyword.value) != value:
                        continue
                    shown = f"{keyword.arg}={value!r}" if value is not None else f"{keyword.arg}="
                    yield self.finding(
                        "ZG703",
                        keyword.value,
                        f"Gradio {release} removed `{shown}` of `{call.replace('gradio.', 'gr.')}`"
                        f" and this Space runs Gradio {major}: the app crashes at start-up; "
                        + REPLACEMENTS.get(entry["argument"], "remove it"),
                    )

    # --- ZG7xx -----------------------------------------------------------------
    def zg70x_examples(self) -> Iterator[Finding]:
        info = self.info
        for node in info.nodes:
            if not isinstance(node, ast.Call):
                continue
            resolved = info.resolve(node.func) or ""
            if resolved not in ("gradio.Examples", "gradio.Interface", "gradio.ChatInterface"):
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            if resolved == "gradio.Examples":
                run = keywords.get("run_on_click")
                cache = keywords.get("cache_examples")
                if (
                    isinstance(run, ast.Constant)
                    and run.value is True
                    and not (isinstance(cache, ast.Constant) and cache.value is False)
                ):
                    yield self.finding(
                        "ZG701",
                        node,
                        "gr.Examples relies on run_on_click, which Spaces' example caching "
                        "ignores: set cache_examples=False explicitly",
                    )
            mode = _string(keywords.get("cache_mode"))
            fn = keywords.get("fn")
            if fn is None and resolved != "gradio.Examples" and node.args:
                fn = node.args[0]
            if mode == "eager" and info.is_gpu_function_ref(fn):
                yield self.finding(
                    "ZG702",
                    keywords["cache_mode"],
                    'cache_mode="eager" runs the GPU function at start-up, where no GPU is '
                    'attached: use cache_mode="lazy"',
                )
