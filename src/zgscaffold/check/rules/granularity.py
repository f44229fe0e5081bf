"""ZG6xx: call granularity."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import GRAPH, Finding, Rule, W
from zgscaffold.check.pyscope import (
    dotted,
    handler_targets,
)
from zgscaffold.check.rules.base import ModuleChecks

FAMILY = "call granularity"
RULES = (
    Rule("ZG601", W, "a @spaces.GPU function is not called inside a loop"),
    Rule(
        "ZG602",
        W,
        "one visitor action starts one GPU call (not both an input's change and a click)",
        needs=(GRAPH,),
    ),
)


CHANGE_EVENTS = {"change", "upload", "input", "edit", "release", "stop_recording", "clear"}
ACTION_EVENTS = {"click", "submit"}


def _input_names(inputs: ast.expr | None) -> set[str] | None:
    if inputs is None:
        return None
    elements = inputs.elts if isinstance(inputs, (ast.List, ast.Tuple, ast.Set)) else [inputs]
    return {dotted(e) or "" for e in elements}


def _overlap(trigger: str, inputs: set[str] | None, action_inputs: set[str] | None) -> bool:
    if action_inputs is not None and trigger in action_inputs:
        return True
    if inputs is None or action_inputs is None:
        return inputs is None and action_inputs is None
    return bool(inputs & action_inputs - {""})


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg601_loops()
        yield from self.zg602_double_wiring()

    # --- ZG602 -----------------------------------------------------------------
    def _wirings(self) -> Iterator[tuple[ast.Call, str, str, ast.expr | None, ast.expr]]:
        """(event call, event, trigger component, inputs, fn) for each event listener."""
        info = self.info
        for node in info.nodes:
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            func = node.func
            if info.resolve(func) == "gradio.on":
                triggers = keywords.get("triggers", node.args[0] if node.args else None)
                fn = keywords.get("fn", node.args[1] if len(node.args) > 1 else None)
                inputs = keywords.get("inputs", node.args[2] if len(node.args) > 2 else None)
                if isinstance(triggers, (ast.List, ast.Tuple)) and fn is not None:
                    for trigger in triggers.elts:
                        if isinstance(trigger, ast.Attribute):
                            yield node, trigger.attr, dotted(trigger.value) or "", inputs, fn
            elif isinstance(func, ast.Attribute) and (
                func.attr in CHANGE_EVENTS or func.attr in ACTION_EVENTS
            ):
                fn = keywords.get("fn", node.args[0] if node.args else None)
                inputs = keywords.get("inputs", node.args[1] if len(node.args) > 1 else None)
                if fn is not None:
                    yield node, func.attr, dotted(func.value) or "", inputs, fn

    def _gpu_nodes(self) -> set[int]:
        return {id(gpu.node) for info in self.project.infos for gpu in info.gpu}

    def _runs_gpu(self, function: ast.AST, gpu: set[int], seen: set[int]) -> bool:
        if id(function) in gpu:
            return True
        if id(function) in seen or not isinstance(
            function, (ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            return False
        seen.add(id(function))
        graph = self.project.graph
        owner = graph.reached.get(id(function))
        info = owner.info if owner is not None else self.info
        return any(self._runs_gpu(callee, gpu, seen) for callee, _ in graph.callees(function, info))

    def zg602_double_wiring(self) -> Iterator[Finding]:
        gpu = self._gpu_nodes()
        if not gpu:
            return
        by_handler: dict[int, list[tuple[ast.Call, str, str, set[str] | None]]] = {}
        names: dict[int, str] = {}
        for call, event, trigger, inputs, fn in self._wirings():
            for function in handler_targets(self.info, fn, call):
                if self._runs_gpu(function, gpu, set()):
                    by_handler.setdefault(id(function), []).append(
                        (call, event, trigger, _input_names(inputs))
                    )
                    names[id(function)] = function.name
        for key, wirings in by_handler.items():
            changes = [w for w in wirings if w[1] in CHANGE_EVENTS]
            actions = [w for w in wirings if w[1] in ACTION_EVENTS]
            for call, event, trigger, change_inputs in changes:
                for _, action, button, action_inputs in actions:
                    if not _overlap(trigger, change_inputs, action_inputs):
                        continue
                    yield self.finding(
                        "ZG602",
                        call,
                        f"`{names[key]}` starts a GPU call on `{trigger}.{event}` and again on "
                        f"`{button}.{action}` for the same inputs: one visitor action is charged "
                        f"twice; run the GPU on one event (keep the button, or the change)",
                    )
                    break

    # --- ZG601 -----------------------------------------------------------------
    def zg601_loops(self) -> Iterator[Finding]:
        info = self.info
        for node in info.nodes:
            if isinstance(node, ast.Call) and info.calls_gpu(node) and self._in_loop(node):
                name = dotted(node.func) or "the GPU function"
                yield self.finding(
                    "ZG601",
                    node,
                    f"`{name}` (@spaces.GPU) is called inside a loop, one GPU call and quota "
                    f"charge per pass: decorate the function that owns the loop instead",
                )

    def _in_loop(self, node: ast.AST) -> bool:
        """In a loop's body or a comprehension's element, within the same function."""
        child, parent = node, self.info.parents.get(node)
        while parent is not None and not isinstance(parent, SCOPES):
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)) and child in parent.body:
                return True
            if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
                if child is parent.elt:
                    return True
            elif isinstance(parent, ast.DictComp) and child in (parent.key, parent.value):
                return True
            child, parent = parent, self.info.parents.get(parent)
        return False
