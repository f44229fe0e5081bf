"""Shared fixtures: the repository, its facts, and renders of the template."""

import ast
import itertools
from pathlib import Path

import pytest

from zgscaffold.facts import Facts, load_facts

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def facts() -> Facts:
    return load_facts(REPO / "facts" / "zerogpu.yml")


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
    for package, python in itertools.product(facts.cuda_packages, facts.supported_python):
        if wheels.best_torch(facts, [package], python):
            for task in facts.tasks:
                if installable(task, python):
                    rows.append(
                        {"task": task, "python_version": python, "cuda_packages": [package]}
                    )
    return rows


def matrix_id(answers: dict) -> str:
    return "-".join(
        "+".join(value) if isinstance(value, list) else str(value) for value in answers.values()
    )


def function_signature(tree: ast.Module, name: str) -> list[tuple[str, str]]:
    """(parameter name, annotation source) of a top-level function in a parsed module."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            return [(a.arg, ast.unparse(a.annotation) if a.annotation else "") for a in params]
    raise AssertionError(f"no function {name} in app.py")
