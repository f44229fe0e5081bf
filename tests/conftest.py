"""Shared fixtures (the repository, its facts, tiny models) and the test lanes.

Lanes (docs/contributing.md): plain `uv run pytest` is the fast lane; it leaves out the
tests marked with a SLOW_LANES marker. `scripts/test` (CI) passes `--full` and runs
every test. Tests are marked by what they use, so a new test lands in its lane:
anything under tests/e2e/ or using `running_app` is `e2e`, anything using
`tiny_model` is `models`; `lock` and `browser` are set by hand.
"""

import ast
import fcntl
import hashlib
import itertools
import os
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import copier
import pytest
import yaml

from zgscaffold.facts import Facts, load_facts

REPO = Path(__file__).resolve().parents[1]
E2E = REPO / "tests" / "e2e"
SLOW_LANES = ("e2e", "browser", "lock", "models")
BY_FIXTURE = {"running_app": "e2e", "tiny_model": "models"}
DESELECTED = pytest.StashKey[int]()
# Seconds per test module in the last run (the pytest cache), for the order.
MODULE_SECONDS = "zgscaffold/module-seconds"
seconds_this_run: Counter[str] = Counter()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full",
        action="store_true",
        help=f"run every lane, including the tests marked {', '.join(SLOW_LANES)} "
        "(scripts/test and CI do)",
    )


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: absent with -p no:xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (pyproject.toml's addopts): one worker more than the cores, since
    many tests wait on subprocesses, local servers and terminal prompts (the fast
    lane on 2 cores: 186 s with 2 workers, 176 s with 3; benchmarks/README.md).
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides where it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1


def fast_lane(config: pytest.Config) -> bool:
    """No --full, no -m/-k and no test paths named: plain `uv run pytest`."""
    return not (
        config.getoption("full")
        or config.option.markexpr
        or config.option.keyword
        or config.args_source is not pytest.Config.ArgsSource.TESTPATHS
    )


def task_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("task") if callspec else None


def uses_a_wider_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a module- or class-scoped fixture."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info else []
    return any(defs[-1].scope in ("module", "class") for defs in definitions if defs)


def name_the_group(item: pytest.Item) -> None:
    """What `--dist loadgroup` does: append "@group" to the node id, which its
    scheduler splits on. pytest-xdist 3.8 writes `item._nodeid`, which pytest 9
    no longer reads (the id lives in `item._id`), so every group came apart."""
    groups = sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group")})
    if groups and "@" not in item.nodeid:
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(groups)}")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)
        for fixture, lane in BY_FIXTURE.items():
            if fixture in item.fixturenames:
                item.add_marker(lane)
        if not item.get_closest_marker("xdist_group") and uses_a_wider_fixture(item):
            # One worker sets up a module's module-scoped fixture, not both.
            item.add_marker(pytest.mark.xdist_group(f"module-{item.path.name}"))
    # One served app at a time (tests/e2e/conftest.py): a task's app tests run
    # next to each other, on one pytest-xdist worker (--dist loadgroup).
    served = [i for i, item in enumerate(items) if "running_app" in item.fixturenames]
    ordered = sorted((items[i] for i in served), key=lambda item: task_of(item) or "")
    for slot, item in zip(served, ordered, strict=True):
        item.add_marker(pytest.mark.xdist_group(f"app-{task_of(item)}"))
        items[slot] = item
    if getattr(config.option, "loadgroup", False):
        for item in items:
            name_the_group(item)
    if fast_lane(config):
        slow = [item for item in items if any(item.get_closest_marker(m) for m in SLOW_LANES)]
        if slow:
            config.hook.pytest_deselected(items=slow)
            left_out = set(slow)
            items[:] = [item for item in items if item not in left_out]
            config.stash[DESELECTED] = len(slow)
    if hasattr(config, "workerinput"):
        slowest_modules_first(config, items)


def module_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


def slowest_modules_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the modules that took longest in the last run go out
    first (each module's own order kept), so that no long test starts last while
    the other workers idle. Every worker reads the same cache: the same order.
    Without a last run (a fresh clone, as CI has), the slow lanes' modules go first."""
    cache = getattr(config, "cache", None)
    seconds = cache.get(MODULE_SECONDS, {}) if cache else {}
    first_seen = {m: i for i, m in enumerate(dict.fromkeys(module_of(i.nodeid) for i in items))}
    if seconds:
        items.sort(
            key=lambda i: (-seconds.get(module_of(i.nodeid), 0.0), first_seen[module_of(i.nodeid)])
        )
    else:
        slow = {module_of(i.nodeid) for i in items if any(map(i.get_closest_marker, SLOW_LANES))}
        items.sort(key=lambda i: (module_of(i.nodeid) not in slow, first_seen[module_of(i.nodeid)]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    seconds_this_run[module_of(report.nodeid)] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a pytest-xdist worker: hand the count to the controller, which prints it."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["deselected"] = session.config.stash.get(DESELECTED, 0)
    elif (cache := getattr(session.config, "cache", None)) and seconds_this_run:
        cache.set(MODULE_SECONDS, {**cache.get(MODULE_SECONDS, {}), **seconds_this_run})


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: absent with -p no:xdist
def pytest_testnodedown(node, error) -> None:
    count = getattr(node, "workeroutput", {}).get("deselected", 0)
    node.config.stash[DESELECTED] = max(count, node.config.stash.get(DESELECTED, 0))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if count := config.stash.get(DESELECTED, 0):
        terminalreporter.write_line(
            f"fast lane: {count} tests marked {' / '.join(SLOW_LANES)} left out; "
            "scripts/test (or pytest --full) runs them"
        )


@pytest.fixture(scope="session")
def tiny_model(request: pytest.FixtureRequest):
    """task -> folder holding its tiny model (tests/tiny_models.py), built once and
    kept in the pytest cache between runs."""
    from tiny_models import cached

    cache = getattr(request.config, "cache", None)
    root = cache.mkdir("tiny-models") if cache else REPO / ".pytest_cache" / "tiny-models"
    return lambda task: cached(task, root)


@pytest.fixture(scope="session")
def facts() -> Facts:
    return load_facts(REPO / "facts" / "zerogpu.yml")


@dataclass(frozen=True)
class Render:
    """A rendered Space and the answers copier recorded for it (private `_` keys left out)."""

    project_dir: Path
    answers: dict


# What copier reads from this checkout to render a Space (copier.yml's includes).
TEMPLATE_PARTS = ("copier.yml", "template", "includes", "facts")


@pytest.fixture(scope="session")
def shared_dir(request: pytest.FixtureRequest, tmp_path_factory) -> Path:
    """A folder that every pytest-xdist worker of this run shares (the run's own
    base folder without xdist), for what one worker makes and all read."""
    base = tmp_path_factory.getbasetemp()
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None:
        return base
    folder = base.parent / f"shared-{workerinput['testrunuid']}"
    folder.mkdir(exist_ok=True)
    return folder


def made_once(path: Path, make: Callable[[Path], None]) -> Path:
    """`path`, made by `make(partial)` by whichever worker gets there first; the
    others wait on its lock file, then read what it made."""
    if not path.exists():
        with open(path.with_name(path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                partial = path.with_name(path.name + ".partial")
                shutil.rmtree(partial, ignore_errors=True)
                make(partial)
                partial.rename(path)
    return path


@pytest.fixture(scope="session")
def template_copy(shared_dir) -> Path:
    """This checkout's template files as a plain folder (no git), as `zgscaffold new`
    renders its bundled template: copier renders it without cloning. Read-only."""

    def copy_parts(folder: Path) -> None:
        folder.mkdir()
        for part in TEMPLATE_PARTS:
            copy = shutil.copytree if (REPO / part).is_dir() else shutil.copy2
            copy(REPO / part, folder / part)

    return made_once(shared_dir / "template-copy", copy_parts)


def template_digest(template: Path, *extra: str) -> str:
    """A hash of every template file (path and bytes) and `extra`: what a render
    depends on, besides its answers."""
    digest = hashlib.sha256("\0".join(extra).encode())
    for path in sorted(p for p in template.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(template)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def matrix_render(request: pytest.FixtureRequest, shared_dir, template_copy):
    """answers -> that Space, rendered once and shared by every test and every
    pytest-xdist worker (tests/test_render_matrix.py, tests/check/test_renders.py,
    tests/test_import_order.py check the same renders). Treat them as read-only.

    They render from a plain copy of this checkout's template files, as
    `zgscaffold new` renders its bundled template (with `zgscaffold_release`):
    copier clones a git source for every render, which takes twice as long. The
    facts go in as data, the same mapping copier.yml's `facts` question parses
    from facts/zerogpu.yml (tests/test_facts_model.py holds the two equal), which
    spares copier parsing the file a dozen times per render. The renders from
    git, reading the facts themselves, are tested in tests/e2e,
    tests/test_plain_copier.py and tests/test_readme.py.

    Kept in the pytest cache (.pytest_cache/d/matrix-renders/) under a hash of
    the template files, the copier version and the release ref, as the tiny
    models are: a changed template renders anew; `--cache-clear` renders all."""
    from zgscaffold import source

    given = {
        "zgscaffold_release": source.release_ref(),
        "facts": yaml.safe_load((template_copy / "facts" / "zerogpu.yml").read_text()),
    }
    digest = template_digest(template_copy, copier.__version__, given["zgscaffold_release"])
    cache = getattr(request.config, "cache", None)
    renders = cache.mkdir("matrix-renders") if cache else shared_dir / "matrix-renders"
    for stale in renders.iterdir():  # renders of an earlier template
        if stale.name != digest:
            shutil.rmtree(stale, ignore_errors=True)
    root = renders / digest
    root.mkdir(exist_ok=True)
    rendered: dict[str, Render] = {}

    def render(answers: dict) -> Callable[[Path], None]:
        return lambda dest: copier.run_copy(
            str(template_copy), dest, data={**given, **answers}, defaults=True, quiet=True
        )

    def get(answers: dict) -> Render:
        name = matrix_id(answers)
        if name not in rendered:
            path = made_once(root / name, render(answers))
            recorded = yaml.safe_load((path / ".copier-answers.yml").read_text())
            rendered[name] = Render(
                path, {k: v for k, v in recorded.items() if not k.startswith("_")}
            )
        return rendered[name]

    return get


def answer_matrix(facts: Facts) -> list[dict]:
    """Every task x size x duration strategy x Python, plus representative CUDA sets.

    CUDA sets are the ones the shipped facts can satisfy (a recorded wheel for a
    supported torch); the others are refusals, tested elsewhere.
    """
    from zgscaffold import wheels

    def installable(task: str, python: str) -> bool:  # tasks.<task>.python_min: a refusal
        needs = facts.tasks[task].get("python_min")
        return not needs or tuple(map(int, python.split("."))) >= tuple(map(int, needs.split(".")))

    rows = []
    for task, size, strategy, python in itertools.product(
        facts.tasks, facts.data["hardware"]["sizes"], ("fixed", "dynamic"), facts.supported_python
    ):
        if not installable(task, python):
            continue
        rows.append(
            {
                "task": task,
                "gpu_size": size,
                "duration_strategy": strategy,
                "python_version": python,
            }
        )
    # The aoti_compile answer, on the tasks whose template has it (offered or not yet).
    for task, strategy in itertools.product(facts.tasks, ("fixed", "dynamic")):
        if facts.tasks[task].get("aoti") is not None:
            rows.append({"task": task, "duration_strategy": strategy, "aoti_compile": True})
    # Each larger model preset (the image_model question).
    for task, strategy in itertools.product(facts.tasks, ("fixed", "dynamic")):
        for model in facts.tasks[task].get("presets", {}):
            rows.append({"task": task, "duration_strategy": strategy, "image_model": model})
    for package, python in itertools.product(facts.cuda_packages, facts.supported_python):
        if wheels.best_torch(facts, [package], python):
            for task in facts.tasks:
                if installable(task, python):
                    rows.append(
                        {"task": task, "python_version": python, "cuda_packages": [package]}
                    )
    return rows


def matrix_id(answers: dict) -> str:
    """A folder name and test id for the answers (a model id's "/" becomes "_")."""
    return "-".join(
        "+".join(value) if isinstance(value, list) else str(value).replace("/", "_")
        for value in answers.values()
    )


def function_signature(tree: ast.Module, name: str) -> list[tuple[str, str]]:
    """(parameter name, annotation source) of a top-level function in a parsed module."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            return [(a.arg, ast.unparse(a.annotation) if a.annotation else "") for a in params]
    raise AssertionError(f"no function {name} in app.py")
