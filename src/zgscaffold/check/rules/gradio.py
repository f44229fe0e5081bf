"""ZG7xx: Gradio events and examples."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import Finding, Rule, Severity
from zgscaffold.check.rules.base import ModuleChecks, Project, _string

E, W, INFO = Severity.error, Severity.warning, Severity.info
FAMILY = "Gradio examples and arguments"
RULES = (
    Rule("ZG701", W, "gr.Examples with `run_on_click` sets `cache_examples=False`"),
    Rule("ZG702", W, 'examples of GPU functions are not cached with `cache_mode="eager"`'),
)


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg70x_examples()

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


def check(project: Project) -> Iterator[Finding]:
    yield from Checks.each_module(project)
