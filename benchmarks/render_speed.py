"""Median wall time of `zgscaffold new --defaults --no-lock` next to a bare `copier copy`
of the same template and answers, and the time of lock plus export.

Targets: the CLI adds at most 10% over bare copier; a render without lock takes
under 1 s on a 2-core machine. Run: uv run python benchmarks/render_speed.py [--runs N]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(runs: int, make_command) -> float:
    work = Path(tempfile.mkdtemp(prefix="zg-bench-"))
    try:
        return statistics.median(timed(make_command(work / f"s{i}")) for i in range(runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def in_process(runs: int) -> tuple[float, float]:
    """The same two renders without interpreter start-up and imports."""
    import copier

    warnings.simplefilter("ignore", copier.errors.DirtyLocalWarning)
    from zgscaffold.render import new_space

    work = Path(tempfile.mkdtemp(prefix="zg-bench-"))
    try:
        copier_times, zg_times = [], []
        for i in range(runs):
            start = time.perf_counter()
            copier.run_copy(str(REPO), work / f"c{i}", defaults=True, quiet=True, vcs_ref="HEAD")
            copier_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            new_space(work / f"z{i}", lock_deps=False)
            zg_times.append(time.perf_counter() - start)
        return statistics.median(copier_times), statistics.median(zg_times)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--lock-runs", type=int, default=3)
    runs = parser.parse_args()

    def copier_cmd(dest):
        return [str(BIN / "copier"), "copy", "--defaults", "--vcs-ref", "HEAD", "--quiet",
                str(REPO), str(dest)]  # fmt: skip

    def zg_cmd(dest):
        return [str(BIN / "zgscaffold"), "new", str(dest), "--defaults", "--no-lock"]

    def zg_lock_cmd(dest):
        return [str(BIN / "zgscaffold"), "new", str(dest), "--defaults"]

    median_of(1, zg_cmd)  # warm caches (bytecode, git)
    in_copier, in_zg = in_process(runs.runs)
    copier_s = median_of(runs.runs, copier_cmd)
    zg_s = median_of(runs.runs, zg_cmd)
    locked_s = median_of(runs.lock_runs, zg_lock_cmd)
    overhead = (zg_s / copier_s - 1) * 100
    cores = len(os.sched_getaffinity(0))
    print(f"runs: {runs.runs} (lock: {runs.lock_runs}); cores: {cores}")
    print(f"bare copier copy            median {copier_s:6.3f} s")
    print(
        f"zgscaffold new --no-lock    median {zg_s:6.3f} s   "
        f"({overhead:+.1f}% vs copier; target <= +10%, < 1 s)"
    )
    print(
        f"in process: copier.run_copy median {in_copier:6.3f} s; render.new_space "
        f"(no lock) median {in_zg:6.3f} s ({(in_zg / in_copier - 1) * 100:+.1f}%)"
    )
    print(
        f"zgscaffold new (lock+export) median {locked_s:6.3f} s   "
        f"(lock and export: {locked_s - zg_s:.3f} s)"
    )


if __name__ == "__main__":
    main()
