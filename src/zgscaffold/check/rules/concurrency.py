"""ZG5xx: concurrency."""

import ast
import re
from collections.abc import Iterator

from zgscaffold.check.model import GRAPH, E, Finding, Rule
from zgscaffold.check.pyscope import (
    FunctionNode,
    dotted,
    function_body,
    walk_scope,
)
from zgscaffold.check.rules.base import (
    MUTATORS,
    ModuleChecks,
    _globals_declared,
    _locals,
    _string,
)

FAMILY = "concurrency"
RULES = (
    Rule("ZG501", E, "handlers do not write module-level mutable state", needs=(GRAPH,)),
    Rule("ZG502", E, "handlers write outputs to unique (tempfile) paths", needs=(GRAPH,)),
)


FIXED_PATH = re.compile(r"^[\w./\\ -]*\.[A-Za-z0-9]{1,5}$")
MUTABLE_FACTORIES = {
    "dict",
    "list",
    "set",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.deque",
    "collections.Counter",
    "defaultdict",
    "OrderedDict",
    "deque",
    "Counter",
}
WRITE_METHODS = {
    "save",
    "savefig",
    "to_csv",
    "to_parquet",
    "to_json",
    "write_videofile",
    "write_audiofile",
    "write_gif",
    "export",
    "to_file",
    "write_text",
    "write_bytes",
    "to_wav",
    "save_wav",
    "imsave",
}
WRITE_FUNCTIONS = {
    "soundfile.write",
    "scipy.io.wavfile.write",
    "torchaudio.save",
    "imageio.imwrite",
    "imageio.mimwrite",
    "imageio.v2.imwrite",
    "imageio.v2.mimwrite",
    "imageio.v3.imwrite",
    "imageio.mimsave",
    "imageio.v2.mimsave",
    "cv2.imwrite",
    "cv2.VideoWriter",
    "numpy.save",
    "numpy.savez",
    "numpy.savez_compressed",
    "numpy.savetxt",
    "torch.save",
    "safetensors.torch.save_file",
    "diffusers.utils.export_to_video",
    "diffusers.utils.export_to_gif",
    "export_to_video",
    "export_to_gif",
    "matplotlib.pyplot.savefig",
}
COPIES = {
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.move",
    "os.rename",
    "os.replace",
}
PATH_KEYWORDS = {
    "file",
    "filename",
    "file_path",
    "filepath",
    "fp",
    "path",
    "out_path",
    "save_path",
    "output_path",
    "output_file",
    "output_video_path",
    "output_gif_path",
    "fname",
    "dst",
}
# Calls whose value is one folder for every request, and path builders.
FIXED_DIRS = {
    "tempfile.gettempdir": "/tmp",
    "os.getcwd": ".",
    "pathlib.Path.cwd": ".",
    "Path.cwd": ".",
}
PATH_BUILDERS = {
    "os.path.join",
    "posixpath.join",
    "pathlib.Path",
    "pathlib.PurePath",
    "str",
    "os.path.abspath",
    "os.path.realpath",
    "os.path.expanduser",
    "os.path.normpath",
    "os.fspath",
}
PATH_METHODS = {"resolve", "absolute", "expanduser", "as_posix", "joinpath", "with_suffix"}


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        mutables = self._module_mutables()
        for reached in self.project.graph.in_module(self.info):
            function = reached.function
            who = f"`{function.name}`"
            if reached.root != function.name:
                who += f" (run by the handler `{reached.root}`)"
            yield from self._zg501(function, who, mutables)
            for node in function_body(function):
                if isinstance(node, ast.Call):
                    yield from self._zg502(node, function)

    # --- ZG501 -----------------------------------------------------------------
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

    def _self_mutables(self, function: FunctionNode) -> set[str]:
        """`self.x` attributes that the method's class sets to a list, dict or set."""
        cls = self.info.parents.get(function)
        names: set[str] = set()
        if not isinstance(cls, ast.ClassDef):
            return names
        for node in ast.walk(cls):
            if isinstance(node, ast.Assign) and isinstance(
                node.value, (ast.Dict, ast.List, ast.Set)
            ):
                names |= {dotted(t) or "" for t in node.targets if isinstance(t, ast.Attribute)}
        return names

    def _zg501(self, function: FunctionNode, who: str, mutables: set[str]) -> Iterator[Finding]:
        local = _locals(function)
        globals_ = _globals_declared(function)
        shared = {n for n in self.info.module_values if n not in local} | globals_
        in_class = isinstance(self.info.parents.get(function), ast.ClassDef)
        first = [*function.args.posonlyargs, *function.args.args][:1]
        self_name = first[0].arg if in_class and first else None
        self_mutables = self._self_mutables(function) if self_name else set()
        lazy: set[int] = set()
        for node in function_body(function):
            if isinstance(node, ast.If) and self._is_none_test(node.test, shared):
                lazy |= {id(n) for n in walk_scope(node.body)}
        for index, statement in enumerate(function.body):  # `if X is not None: return` first
            if _loaded_guard(statement, shared):
                lazy |= {id(n) for n in walk_scope(function.body[index + 1 :])}
                break
        for node in function_body(function):
            if id(node) in lazy:
                continue
            message = None
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                if node.id in globals_:
                    message = f"{who} assigns the module-level `{node.id}`"
            elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(
                node.ctx, (ast.Store, ast.Del)
            ):
                owner = _root_name(node)
                name = dotted(node.value) or owner
                if owner in shared and owner not in self.info.aliases:
                    message = f"{who} changes the module-level `{name}`"
                elif (
                    owner == self_name
                    and function.name != "__init__"
                    and isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                ):
                    message = (
                        f"{who} sets `{dotted(node)}` on an object every visitor's call shares"
                    )
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATORS
            ):
                target = node.func.value
                name = dotted(target) or ""
                if isinstance(target, ast.Name) and name in mutables and name not in local:
                    message = f"{who} changes the module-level `{name}`"
                elif name in self_mutables and function.name != "__init__":
                    message = f"{who} changes `{name}`, shared by every visitor's call"
            if message:
                yield self.finding(
                    "ZG501",
                    node,
                    f"{message}, shared by every visitor's concurrent calls: keep per-user data "
                    f"in gr.State or arguments",
                )

    # --- ZG502 -----------------------------------------------------------------
    def _zg502(self, call: ast.Call, function: FunctionNode) -> Iterator[Finding]:
        func = call.func
        resolved = self.info.resolve(func) or ""
        last = resolved.rsplit(".", 1)[-1]
        method = func.attr if isinstance(func, ast.Attribute) else ""
        candidates: list[ast.expr] = []
        any_name = False  # shutil's destination: a fixed name without an extension counts too
        if resolved in ("open", "io.open", "builtins.open") or method == "open":
            mode = (
                call.args[1]
                if len(call.args) > 1
                else next((k.value for k in call.keywords if k.arg == "mode"), None)
            )
            if not any(c in (_string(mode) or "r") for c in "wax+"):
                return
            # `x.open(...)` unresolved: the receiver is the path (pathlib); else the first argument
            candidates = (
                [func.value] if isinstance(func, ast.Attribute) and not resolved else call.args[:1]
            )
        elif resolved in COPIES:
            candidates = call.args[1:2] + [k.value for k in call.keywords if k.arg == "dst"]
            any_name = True
        elif resolved in WRITE_FUNCTIONS or last in ("export_to_video", "export_to_gif"):
            candidates = list(call.args)
        elif isinstance(func, ast.Attribute) and (
            method in WRITE_METHODS or method.endswith("_to_file")
        ):
            receiver = func.value
            if method in ("write_text", "write_bytes"):
                candidates = [receiver]
            else:
                candidates = call.args[:1] if method != "tts_to_file" else []
        else:
            return
        candidates += [k.value for k in call.keywords if k.arg in PATH_KEYWORDS]
        for candidate in candidates:
            text = self.fixed_path(candidate, function)
            if text is None or text.endswith(("/", "\\")):
                continue
            if FIXED_PATH.match(text) or (any_name and text):
                yield self.finding(
                    "ZG502",
                    candidate,
                    f"writes to the fixed path {text!r}, which concurrent visitors overwrite: "
                    f"write to a tempfile.NamedTemporaryFile(delete=False, suffix=...) path",
                )

    def fixed_path(
        self, node: ast.AST | None, function: FunctionNode, depth: int = 0
    ) -> str | None:
        """The path an expression always names, when nothing in it differs per request:
        literals, module constants, `self.x` set to one, os.path.join, Path(...) / "x",
        f-strings of those, and local variables assigned only such values."""
        if node is None or depth > 8:
            return None
        info = self.info
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    part = self.fixed_path(value.value, function, depth + 1)
                    if part is None:
                        return None
                    parts.append(part)
                elif isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                else:
                    return None
            return "".join(parts)
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return "app.py"
            assigned = [
                n.value
                for n in function_body(function)
                if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
            ]
            if node.id in _rebound(function):
                return None
            if assigned:
                texts = [self.fixed_path(v, function, depth + 1) for v in assigned]
                return texts[-1] if all(t is not None for t in texts) else None
            values = info.module_values.get(node.id, [])
            if len(values) == 1 and node.id not in _locals(function):
                return self.fixed_path(values[0], function, depth + 1)
            return None
        if isinstance(node, ast.Attribute):
            name = dotted(node) or ""
            if name.startswith("self.") and name.count(".") == 1:
                cls = info.parents.get(function)
                values = [
                    n.value
                    for n in (ast.walk(cls) if isinstance(cls, ast.ClassDef) else [])
                    if isinstance(n, ast.Assign) and any(dotted(t) == name for t in n.targets)
                ]
                init = [v for v in values if not isinstance(v, ast.Name)] or values
                texts = [self.fixed_path(v, function, depth + 1) for v in init]
                return texts[0] if texts and all(t is not None for t in texts) else None
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Add)):
            left = self.fixed_path(node.left, function, depth + 1)
            right = self.fixed_path(node.right, function, depth + 1)
            if left is None or right is None:
                return None
            return f"{left}/{right}" if isinstance(node.op, ast.Div) else left + right
        if isinstance(node, ast.Call):
            resolved = info.resolve(node.func) or ""
            if resolved in FIXED_DIRS:
                return FIXED_DIRS[resolved]
            if resolved in PATH_BUILDERS:
                found = [self.fixed_path(a, function, depth + 1) for a in node.args]
                fixed = [p for p in found if p is not None]
                if not found or len(fixed) < len(found):
                    return None
                return "/".join(p for p in fixed if p)
            if isinstance(node.func, ast.Attribute) and node.func.attr in PATH_METHODS:
                inner = self.fixed_path(node.func.value, function, depth + 1)
                extra = [self.fixed_path(arg, function, depth + 1) for arg in node.args]
                if inner is None or any(part is None for part in extra):
                    return None
                if node.func.attr == "with_suffix" and extra:
                    return inner.rsplit(".", 1)[0] + str(extra[0])
                return "/".join([inner, *(str(part) for part in extra)])
        return None


def _loaded_guard(statement: ast.stmt, shared: set[str]) -> bool:
    """`if CACHE["model"] is not None: return` (or `if model:`): the rest lazily loads."""
    if not (
        isinstance(statement, ast.If)
        and statement.body
        and isinstance(statement.body[-1], ast.Return)
        and not statement.orelse
    ):
        return False
    test = statement.test
    subject: ast.expr = test
    if isinstance(test, ast.Compare) and isinstance(test.ops[0], (ast.IsNot, ast.In)):
        subject = test.left if isinstance(test.ops[0], ast.IsNot) else test.comparators[0]
    return _root_name(subject) in shared


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _rebound(function: FunctionNode) -> set[str]:
    """Names that take a value other than by `name = ...`: parameters, loop and `with`
    targets, augmented and walrus assignments (their values differ per call)."""
    args = function.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    for node in function_body(function):
        targets: list[ast.AST] = []
        if isinstance(
            node, (ast.For, ast.AsyncFor, ast.AugAssign, ast.NamedExpr, ast.comprehension)
        ):
            targets = [node.target]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            targets = [item.optional_vars for item in node.items if item.optional_vars]
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names
