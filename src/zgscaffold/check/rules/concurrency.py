"""ZG5xx: concurrency."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import GRAPH, Finding, Rule, Severity
from zgscaffold.check.pyscope import (
    FunctionNode,
    function_body,
    walk_scope,
)
from zgscaffold.check.rules.base import (
    FIXED_PATH,
    MUTABLE_FACTORIES,
    MUTATORS,
    PATH_KEYWORDS,
    WRITE_FUNCTIONS,
    WRITE_METHODS,
    ModuleChecks,
    Project,
    _globals_declared,
    _locals,
    _string,
)

E, W, INFO = Severity.error, Severity.warning, Severity.info
FAMILY = "concurrency"
RULES = (
    Rule("ZG501", E, "handlers do not write module-level mutable state", needs=(GRAPH,)),
    Rule("ZG502", E, "handlers write outputs to unique (tempfile) paths", needs=(GRAPH,)),
)


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg50x_handlers()

    # --- ZG5xx -----------------------------------------------------------------
    def _module_mutables(self) -> set[str]:
        names = set()
        for name, values in self.info.module_values.items():
            for value in values:
                if isinstance(
                    value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
                ) or (
                    isinstance(value, ast.Call)
                    and (self.info.resolve(value.func) or "") in MUTABLE_FACTORIES
                ):
                    names.add(name)
        return names

    def zg50x_handlers(self) -> Iterator[Finding]:
        mutables = self._module_mutables()
        for function in self.info.handlers:
            local = _locals(function)
            globals_ = _globals_declared(function)
            lazy = set()
            for node in function_body(function):
                if isinstance(node, ast.If) and self._is_none_test(node.test, globals_):
                    lazy |= {id(n) for n in walk_scope(node.body)}
            for node in function_body(function):
                yield from self._zg501(node, function, local, globals_, mutables, lazy)
                if isinstance(node, ast.Call):
                    yield from self._zg502(node)

    def _zg501(
        self,
        node: ast.AST,
        function: FunctionNode,
        local: set[str],
        globals_: set[str],
        mutables: set[str],
        lazy: set[int],
    ) -> Iterator[Finding]:
        if id(node) in lazy:
            return
        message = None
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in globals_:
            message = f"`{function.name}` assigns the module-level `{node.id}`"
        target = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (node.func.attr in MUTATORS)
        ):
            target = node.func.value
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            target = node.value
        if isinstance(target, ast.Name) and target.id in mutables and target.id not in local:
            message = f"`{function.name}` changes the module-level `{target.id}`"
        if message:
            yield self.finding(
                "ZG501",
                node,
                f"{message}, shared by every visitor's concurrent calls: keep per-user data in "
                f"gr.State or arguments",
            )

    def _zg502(self, call: ast.Call) -> Iterator[Finding]:
        func = call.func
        resolved = self.info.resolve(func) or ""
        writes = False
        candidates: list[ast.AST] = []
        if resolved in ("open", "io.open"):
            mode = (
                call.args[1]
                if len(call.args) > 1
                else next((k.value for k in call.keywords if k.arg == "mode"), None)
            )
            mode_text = _string(mode) or "r"
            writes = any(c in mode_text for c in "wax")
            candidates = call.args[:1]
        elif resolved in WRITE_FUNCTIONS or resolved.rsplit(".", 1)[-1] in (
            "export_to_video",
            "export_to_gif",
        ):
            writes = True
            candidates = list(call.args)
        elif isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
            writes = True
            candidates = call.args[:1]
            receiver = func.value
            if func.attr in ("write_text", "write_bytes") and isinstance(receiver, ast.Call):
                candidates = receiver.args[:1]
        if not writes:
            return
        candidates += [k.value for k in call.keywords if k.arg in PATH_KEYWORDS]
        for candidate in candidates:
            text = _string(candidate)
            if text and FIXED_PATH.match(text):
                yield self.finding(
                    "ZG502",
                    candidate,
                    f"writes to the fixed path {text!r}, which concurrent visitors overwrite: "
                    f"write to a tempfile.NamedTemporaryFile(delete=False, suffix=...) path",
                )


def check(project: Project) -> Iterator[Finding]:
    for info in project.infos:
        yield from Checks(info, project).run()
