"""Realistic multi-file Spaces (tests/check/realistic/): each marked violation is found on its
line, nothing else is, and recall and precision over all of them stay at or above 0.95."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "check_recall.py"
spec = importlib.util.spec_from_file_location("check_recall", SCRIPT)
assert spec is not None and spec.loader is not None
recall = importlib.util.module_from_spec(spec)
spec.loader.exec_module(recall)


@pytest.fixture(scope="module")
def score():
    return recall.score()


def test_recall_and_precision_over_the_realistic_spaces(score) -> None:
    assert len(score.expected) >= 25
    assert score.recall >= 0.95 and score.precision >= 0.95, (score.missed, score.false)


@pytest.mark.parametrize("space", sorted(p.name for p in recall.CORPUS.iterdir() if p.is_dir()))
def test_each_space_gets_exactly_its_marked_findings(score, space: str) -> None:
    assert {h for h in score.missed if h[0] == space} == set()
    assert {h for h in score.false if h[0] == space} == set()
    if space.endswith("-safe"):
        assert not any(h[0] == space for h in score.expected)
    else:
        assert any(h[0] == space for h in score.expected)


def test_every_obeying_space_has_a_violating_twin() -> None:
    names = {p.name for p in recall.CORPUS.iterdir() if p.is_dir()}
    assert {n.removesuffix("-safe") for n in names if n.endswith("-safe")} == {
        n for n in names if not n.endswith("-safe")
    }
