"""Compare facts/zerogpu.yml with the installed `spaces` package (maintainers).

    uv run python scripts/facts_drift.py [--facts PATH]

Reads the package's own data and code: zero/configs.json (through
importlib.resources), DEFAULT_SCHEDULE_DURATION and get_duration_seconds in
zero/client.py, the GPUSize literal in zero/api.py. Prints one line per fact
and exits 1 when one disagrees. tests/test_facts_drift.py runs the same
comparison, so a `spaces` release that changes a fact fails CI. Kept out of
the installed zgscaffold package: only maintainers need `spaces` importable.
"""

import argparse
import inspect
import json
import re
import sys
import typing
from dataclasses import dataclass
from datetime import timedelta
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from unittest import mock

import yaml

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "facts" / "zerogpu.yml"
PROBE_SECONDS = 100  # a declared duration to pass through get_duration_seconds


@dataclass(frozen=True)
class Comparison:
    fact: str
    facts_value: Any
    spaces_value: Any
    blocking: bool = True  # a disagreement fails the drift test

    @property
    def agrees(self) -> bool:
        return self.facts_value == self.spaces_value


def spaces_configs() -> list[dict[str, Any]]:
    """The GPUs `spaces` knows, from its packaged configs.json."""
    from spaces.zero import config

    text = resources.files("spaces.zero").joinpath(config.CONFIGS_FILENAME).read_text()
    return json.loads(text)


def seconds_sent(entry: dict[str, Any], size: str) -> float:
    """What spaces' own get_duration_seconds sends for PROBE_SECONDS declared on `size`,
    with `entry` as the GPU it runs on, per declared second."""
    from spaces.zero import client, config

    with mock.patch.object(config, "get_config", return_value=entry):
        sent = client.get_duration_seconds(timedelta(seconds=PROBE_SECONDS), size)
    return float(sent) / PROBE_SECONDS


def requested_multiplier(size: str) -> int:
    """The multiplier spaces' schedule() applies to the sent seconds in its
    "Ns requested" messages (the tier cap and the quota): x2 on xlarge."""
    from spaces.zero import client

    source = inspect.getsource(client.schedule)
    match = re.search(r"requested \*= (\d+) if gpu_size == '(\w+)' else (\d+)", source)
    if match is None:
        raise RuntimeError("spaces' schedule() no longer shows how it counts requested seconds")
    return int(match[1]) if size == match[2] else int(match[3])


def compare(facts_path: Path = FACTS) -> list[Comparison]:
    from spaces.zero import api, client

    facts = yaml.safe_load(facts_path.read_text(encoding="utf-8"))
    hardware = facts["hardware"]
    gpu = hardware["gpu"]
    configs = {entry["model"]: entry for entry in spaces_configs()}
    entry = configs.get(gpu["model"], {})
    rows = [
        Comparison("hardware.gpu.model is a GPU spaces knows", gpu["model"], entry.get("model")),
        Comparison(
            "hardware.gpu.model is the newest GPU spaces knows", gpu["model"], list(configs)[-1]
        ),
        Comparison(
            "hardware.gpu.duration_factor", gpu["duration_factor"], entry.get("duration_factor")
        ),
        Comparison(
            "hardware.gpu.xlarge_threshold_bytes",
            gpu["xlarge_threshold_bytes"],
            entry.get("xlarge_threshold"),
        ),
        Comparison(
            "duration.default_seconds",
            facts["duration"]["default_seconds"],
            client.DEFAULT_SCHEDULE_DURATION,
        ),
        Comparison(
            "hardware.sizes (accepted sizes)",
            sorted(hardware["sizes"]),
            sorted(typing.get_args(api.GPUSize)),
        ),
    ]
    for size, spec in hardware["sizes"].items():
        if not entry or size not in typing.get_args(api.GPUSize):
            continue
        wall = seconds_sent(entry, size)
        rows.append(Comparison(f"hardware.sizes.{size}.wall_factor", spec["wall_factor"], wall))
        rows.append(
            Comparison(
                f"hardware.sizes.{size}.request_factor",
                spec["request_factor"],
                wall * requested_multiplier(size),
            )
        )
    rows.append(
        Comparison(
            "spaces_package (release checked)",
            facts["spaces_package"],
            metadata.version("spaces"),
            blocking=False,
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, default=FACTS, help="facts file to compare")
    args = parser.parse_args(argv)
    rows = compare(args.facts)
    width = max(len(row.fact) for row in rows)
    for row in rows:
        mark = "ok  " if row.agrees else ("DIFF" if row.blocking else "note")
        print(
            f"{mark} {row.fact:<{width}}  facts: {row.facts_value!r}  spaces: {row.spaces_value!r}"
        )
    drift = [row for row in rows if row.blocking and not row.agrees]
    if drift:
        print(
            f"{len(drift)} fact(s) disagree with spaces {metadata.version('spaces')}: "
            f"update {args.facts} (and CHANGELOG.md)"
        )
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
