"""ZG6xx: call granularity."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import Finding, Rule, Severity
from zgscaffold.check.pyscope import (
    dotted,
    walk_scope,
)
from zgscaffold.check.rules.base import ModuleChecks, Project

E, W, INFO = Severity.error, Severity.warning, Severity.info
FAMILY = "call granularity"
RULES = (Rule("ZG601", W, "a @spaces.GPU function is not called inside a loop"),)


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg601_loops()

    # --- ZG601 -----------------------------------------------------------------
    def zg601_loops(self) -> Iterator[Finding]:
        reported: set[int] = set()
        for loop in self.info.nodes:
            bodies: list[ast.AST] = []
            if isinstance(loop, (ast.For, ast.AsyncFor, ast.While)):
                bodies = list(loop.body)
            elif isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                bodies = (
                    [loop.elt] if not isinstance(loop, ast.DictComp) else [loop.key, loop.value]
                )
            for node in walk_scope(bodies):
                if (
                    isinstance(node, ast.Call)
                    and self.info.calls_gpu(node)
                    and (id(node) not in reported)
                ):
                    reported.add(id(node))
                    name = dotted(node.func) or "the GPU function"
                    yield self.finding(
                        "ZG601",
                        node,
                        f"`{name}` (@spaces.GPU) is called inside a loop, one GPU call and quota "
                        f"charge per pass: decorate the function that owns the loop instead",
                    )


def check(project: Project) -> Iterator[Finding]:
    yield from Checks.each_module(project)
