"""Files per second of `zgscaffold check` over 1,000 generated and mutated Spaces, with
`ruff check` over the same files as a reference, and the CPU time of one Space checked by
the CLI from start to exit (the pre-commit hook's case).

The corpus is built in a temporary folder: a few renders of the template (one per
task), each copied many times with random rule-breaking edits (a `spaces` line in
requirements.txt, a bare @spaces.GPU, torch.compile, conflict markers, a syntax
error...). Targets: one Space, CLI start to exit, under 0.3 s of CPU; 1,000 Spaces in
under 3 s on 2 cores.
Run: uv run python benchmarks/check_speed.py [--spaces N] [--seed S]
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

MUTATIONS = [
    ("requirements.txt", lambda t: t + "spaces\ngradio\n"),
    ("requirements.txt", lambda t: t.replace("torch==", "torch==1.13.1\n# was ")),
    ("README.md", lambda t: t.replace("python_version:", "pyversion:")),
    ("README.md", lambda t: t.replace("sdk: gradio", "sdk: docker")),
    ("app.py", lambda t: t.replace("@spaces.GPU(duration=", "@spaces.GPU(size='xlarge', duration=9")),  # noqa: E501
    ("app.py", lambda t: t.replace("@spaces.GPU(duration=", "@spaces.GPU\ndef _x(): pass\n#(")),
    ("app.py", lambda t: t + "\nmodel = torch.compile(model)\n"),
    ("app.py", lambda t: t.replace("import spaces\n", "try:\n    import spaces\nexcept ImportError:\n    spaces = None\n")),  # noqa: E501
    ("app.py", lambda t: t.replace('"cuda" if torch.cuda.is_available() else "cpu"', '"cuda"')),
    ("app.py", lambda t: t.replace("import os\n", "<<<<<<< before updating\nimport os\n=======\nimport sys\n>>>>>>> after updating\n")),  # noqa: E501
    ("app.py", lambda t: t + "\ndef broken(:\n"),
    ("app.py", lambda t: t.replace('cache_mode="lazy"', 'cache_mode="eager"')),
]  # fmt: skip


def build_corpus(root: Path, count: int, seed: int) -> list[Path]:
    import copier

    from zgscaffold.facts import load_facts

    warnings.filterwarnings("ignore")
    rng = random.Random(seed)
    bases = []
    for task in load_facts().tasks:
        dest = root / f"base-{task}"
        copier.run_copy(
            str(REPO), dest, data={"task": task}, defaults=True, quiet=True, vcs_ref="HEAD"
        )
        bases.append({p.name: p.read_text() for p in dest.iterdir() if p.is_file()})
    spaces = []
    for index in range(count):
        files = dict(rng.choice(bases))
        for name, mutate in rng.sample(MUTATIONS, rng.randint(0, 3)):
            files[name] = mutate(files[name])
        space = root / f"s{index:04d}"
        space.mkdir()
        for name, text in files.items():
            (space / name).write_text(text)
        spaces.append(space)
    return spaces


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def cpu_seconds(command: list[str], cwd: Path) -> float:
    """User + system CPU time of a command and its children, start to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zg-check-bench-"))
    try:
        spaces = build_corpus(work, options.spaces, options.seed)
        names = [space.name for space in spaces]
        files = sum(1 for space in spaces for p in space.iterdir() if p.is_file())
        py_files = sum(1 for space in spaces for _ in space.glob("*.py"))

        from zgscaffold.check import check_paths

        start = time.perf_counter()
        findings = check_paths(spaces)
        in_process = time.perf_counter() - start
        cli = timed([str(BIN / "zgscaffold"), "check", "--fail-on", "never", *names], work)
        one = min(
            cpu_seconds([str(BIN / "zgscaffold"), "check", "--fail-on", "never", names[0]], work)
            for _ in range(5)
        )
        imports = min(
            cpu_seconds([sys.executable, "-c", "import zgscaffold.cli"], work) for _ in range(5)
        )
        ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
        ruff_time = timed([ruff, "check", "--no-cache", "--isolated", "--exit-zero", "."], work)

        print(f"{os.cpu_count()} CPUs; check_paths spreads Spaces over that many workers")
        print(
            f"corpus: {len(spaces)} Spaces, {files} files ({py_files} Python), "
            f"{len(findings)} findings"
        )
        print(
            f"zgscaffold check (CLI, start-up included): {cli:.2f} s, {files / cli:,.0f} files/s, "
            f"{len(spaces) / cli:,.0f} Spaces/s"
        )
        print(
            f"one Space, CLI start to exit: {one:.3f} s CPU (best of 5; importing the CLI "
            f"alone: {imports:.3f} s)"
        )
        print(
            f"check_paths (Python API, no start-up): {in_process:.2f} s, "
            f"{files / in_process:,.0f} files/s"
        )
        print(
            f"ruff check (reference, {py_files} .py files): {ruff_time:.2f} s, "
            f"{py_files / ruff_time:,.0f} files/s"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
