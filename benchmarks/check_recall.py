"""Recall and precision of `zgscaffold check` over realistic multi-file fixture Spaces.

Each folder under tests/check/realistic/ is a Space written the way people write
them (Blocks apps with nested handlers, class-based apps, helper modules, custom
GPU decorators). A line that breaks a rule says so: `# expect: ZG502` (several
codes: `# expect: ZG401, ZG403`). Folders ending in `-safe` obey every rule.
README.md, requirements.txt and pyproject.toml come from the obeying fixture
Space unless the folder has its own.
Run: uv run python benchmarks/check_recall.py [--verbose]
"""

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "check" / "realistic"
EXPECT = re.compile(r"#\s*expect:\s*(ZG\d{3}(?:\s*,\s*ZG\d{3})*)")

Hit = tuple[str, str, str, int]  # space, code, file, line


@dataclass
class Score:
    expected: set[Hit] = field(default_factory=set)
    found: set[Hit] = field(default_factory=set)

    @property
    def missed(self) -> set[Hit]:
        return self.expected - self.found

    @property
    def false(self) -> set[Hit]:
        return self.found - self.expected

    @property
    def recall(self) -> float:
        return 1.0 if not self.expected else len(self.expected & self.found) / len(self.expected)

    @property
    def precision(self) -> float:
        return 1.0 if not self.found else len(self.expected & self.found) / len(self.found)


def expectations(space: Path) -> set[Hit]:
    hits = set()
    for path in sorted(space.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".md", ".toml"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = EXPECT.search(line)
                if match:
                    for code in match.group(1).split(","):
                        hits.add(
                            (space.name, code.strip(), path.relative_to(space).as_posix(), number)
                        )
    return hits


def score(corpus: Path = CORPUS) -> Score:
    sys.path.insert(0, str(REPO / "tests" / "check"))
    from space_fixtures import good_files

    from zgscaffold.check import check_paths
    from zgscaffold.facts import load_facts

    facts = load_facts(REPO / "facts" / "zerogpu.yml")
    config = {k: v for k, v in good_files(facts).items() if k != "app.py"}
    result = Score()
    work = Path(tempfile.mkdtemp(prefix="zg-recall-"))
    try:
        for space in sorted(p for p in corpus.iterdir() if p.is_dir()):
            copy = work / space.name
            shutil.copytree(space, copy)
            for name, text in config.items():
                if not (copy / name).exists():
                    (copy / name).write_text(text, encoding="utf-8")
            result.expected |= expectations(space)
            for finding in check_paths([copy], facts=facts, jobs=1):
                relative = Path(finding.file or finding.path).resolve().relative_to(copy.resolve())
                result.found.add((space.name, finding.code, relative.as_posix(), finding.line))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every missed and false hit")
    options = parser.parse_args()
    result = score()
    spaces = len({hit[0] for hit in result.expected | result.found})
    print(f"{len(result.expected)} expected violations in {spaces} Spaces under {CORPUS.name}/")
    print(f"recall:    {result.recall:.3f} ({len(result.missed)} missed)")
    print(f"precision: {result.precision:.3f} ({len(result.false)} false)")
    if options.verbose:
        for hit in sorted(result.missed):
            print("missed", *hit)
        for hit in sorted(result.false):
            print("false ", *hit)


if __name__ == "__main__":
    main()
