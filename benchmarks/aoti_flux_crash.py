"""Where AoTI of FLUX.1's transformer crashes: one variant per process, on a GPU.

benchmarks/aoti_speedup.py's `flux` and `flux-blocks` parts export and compile
a FLUX.1-shaped transformer with `spaces.aoti_compile`, and the process dies
(SIGSEGV) on the first forward, inside `torch._inductor.aoti_load_package`
(spaces' ZeroGPUCompiledModel loading the package in the calling thread). The
same recipe on CPU, torch 2.13, a narrow model, loads and runs. Each variant
below changes one thing, in its own process so that a crash ends only it:

- `spaces`: the recipe as aoti_speedup.py runs it (spaces.aoti_compile, then
  aoti_apply, the forward in a fresh thread), a narrow FLUX (the CPU case).
- `spaces-wide`: the same with full-width blocks (2 double- and 4 single-stream).
- `torch-zerogpu-configs`: torch alone with spaces' inductor options
  (weights kept out of the .so, handed over with load_constants), full width,
  loaded and run on the main thread.
- `torch-defaults`: `torch._inductor.aoti_compile_and_package` and
  `aoti_load_package` with torch's defaults (weights inside the package).
- `fp32-ids`: `spaces-wide` with float32 position ids (FLUX's RoPE runs in
  float64 from them) instead of the latent dtype.
- `part-linear`, `part-pos-embed`, `part-block`: torch's defaults on one piece
  of the narrow model (a Linear as the control, the position embedding, one
  double-stream block), float32.

    python benchmarks/aoti_flux_crash.py --out OUT    # OUT/aoti_flux_crash.json
    python benchmarks/aoti_flux_crash.py --table benchmarks/results/aoti_flux_crash.json

The results file keeps every call's JSON under `calls` (with what ran it);
--table prints them as one Markdown table. What it found on 2026-12-04: on
that H200 machine every variant crashed, a lone Linear on CPU too, while all
of them load and run on torch 2.13 elsewhere (benchmarks/results/aoti_flux_crash.md).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

VARIANTS = (
    "spaces",
    "spaces-wide",
    "torch-zerogpu-configs",
    "torch-defaults",
    "fp32-ids",
    "part-linear",
    "part-pos-embed",
    "part-block",
)
NARROW = dict(
    num_layers=1,
    num_single_layers=1,
    attention_head_dim=16,
    num_attention_heads=2,
    joint_attention_dim=32,
    pooled_projection_dim=8,
    in_channels=4,
    axes_dims_rope=(4, 6, 6),
)
WIDE = dict(num_layers=2, num_single_layers=4)  # FLUX.1's width, fewer blocks
# AOTI_DEVICE=cpu AOTI_CRASH_NARROW=1 --variants torch-defaults: a smoke run without a GPU
DEVICE = os.environ.get("AOTI_DEVICE", "cuda")
FORWARDS = 4  # a call of FLUX.1-schnell: 4 steps
ENV = ("AOTI_DEVICE", "AOTI_CRASH_NARROW")


def part_and_inputs(variant: str):
    """A piece of the narrow FLUX, alone: the control (one Linear), the position
    embedding (float64 RoPE from the ids) or one double-stream block."""
    import torch

    if variant == "part-linear":  # torch alone: nothing else is imported
        with torch.device(DEVICE):
            return torch.nn.Linear(32, 32).eval(), {"input": torch.randn(4, 32)}
    from diffusers.models.transformers.transformer_flux import FluxPosEmbed, FluxTransformerBlock

    with torch.device(DEVICE):
        embed = FluxPosEmbed(theta=10000, axes_dim=list(NARROW["axes_dims_rope"]))
        ids = torch.zeros(24, 3)
        if variant == "part-pos-embed":
            return embed.eval(), {"ids": ids}
        block = FluxTransformerBlock(dim=32, num_attention_heads=2, attention_head_dim=16).eval()
        rotary = embed(ids)
        inputs = dict(
            hidden_states=torch.randn(1, 16, 32),
            encoder_hidden_states=torch.randn(1, 8, 32),
            temb=torch.randn(1, 32),
            image_rotary_emb=rotary,
        )
        return block, inputs


def model_and_inputs(variant: str):
    if variant.startswith("part-"):
        return part_and_inputs(variant)
    import torch
    from aoti_speedup import flux_inputs  # this folder: the script's own sys.path entry
    from diffusers import FluxTransformer2DModel

    torch.backends.cuda.enable_cudnn_sdp(False)
    narrow = variant == "spaces" or os.environ.get("AOTI_CRASH_NARROW") == "1"
    with torch.device(DEVICE):
        model = FluxTransformer2DModel(**(NARROW if narrow else WIDE)).to(torch.bfloat16).eval()
    tokens, text = (16, 8) if narrow else (4096, 512)
    ids = torch.float32 if variant == "fp32-ids" else None
    return model, flux_inputs(model, tokens, text, ids_dtype=ids)


def step(name: str, started: float) -> None:
    print(f"STEP {name} {time.perf_counter() - started:.1f}", flush=True)


def child(variant: str) -> dict:
    import torch

    started = time.perf_counter()
    model, inputs = model_and_inputs(variant)
    with torch.inference_mode():
        expected = first(model(**inputs))
    eager = timed(lambda: model(**inputs))
    exported = torch.export.export(model, args=(), kwargs=inputs)
    step("exported", started)
    if variant.startswith(("torch-", "part-")):
        if variant != "torch-zerogpu-configs":
            path = torch._inductor.aoti_compile_and_package(exported)
            step("compiled", started)
            compiled = torch._inductor.aoti_load_package(path)
        else:
            import spaces.zero.torch.aoti as zero_aoti
            from torch._inductor.package.package import package_aoti
            from torch.export.pt2_archive._package_weights import Weights

            args, kwargs = exported.example_inputs
            artifacts = torch._inductor.aot_compile(
                exported.module(), args, kwargs, options=zero_aoti.INDUCTOR_CONFIGS_OVERRIDES
            )
            step("compiled", started)
            archive = BytesIO()
            package_aoti(archive, [a for a in artifacts if isinstance(a, str)])
            (weights,) = (a for a in artifacts if isinstance(a, Weights))
            compiled = torch._inductor.aoti_load_package(archive)
            constants = {name: weights.get_weight(name)[0] for name in weights}
            compiled.load_constants(
                {name: constants[name] for name in compiled.get_constant_fqns()},
                check_full_update=True,
                user_managed=True,
            )
        step("loaded", started)
        with torch.inference_mode():
            got = compiled(**inputs)
        got = first(got)
        fast = timed(lambda: compiled(**inputs))
    else:
        import spaces

        spaces.aoti_apply(spaces.aoti_compile(exported), model)
        step("compiled", started)

        def forward():
            with torch.inference_mode():
                return first(model(**inputs))

        with ThreadPoolExecutor(max_workers=1) as worker:
            got = worker.submit(forward).result()
        fast = timed(lambda: model(**inputs))
    if DEVICE == "cuda":
        torch.cuda.synchronize()
    step("ran", started)
    return {
        "max_abs_difference": float((got.float() - expected.float()).abs().max()),
        "eager_s": eager,
        "compiled_s": fast,
        "speedup": eager / fast,
    }


def first(output):
    return output[0] if isinstance(output, (list, tuple)) else output


def timed(forward, repeats: int = 5) -> float:
    """Median seconds of FORWARDS forwards, after a warm-up."""
    import statistics

    import torch

    def calls() -> None:
        with torch.inference_mode():
            for _ in range(FORWARDS):
                forward()
        if DEVICE == "cuda":
            torch.cuda.synchronize()

    calls()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        calls()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def run(variant: str, timeout: int) -> dict:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-X", "faulthandler", __file__, "--child", variant],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    except subprocess.TimeoutExpired as error:
        return {"outcome": f"timed out after {timeout} s", "stdout": str(error.stdout)[-2000:]}
    steps = [line[5:] for line in done.stdout.splitlines() if line.startswith("STEP ")]
    result = {"exit": done.returncode, "steps": steps, "seconds": time.perf_counter() - started}
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if lines:
        result.update(json.loads(lines[-1][7:]))
    result["outcome"] = "ran" if done.returncode == 0 else f"exit {done.returncode}"
    if done.returncode:
        start = done.stderr.find("Fatal Python error")
        result["stderr"] = done.stderr[start : start + 3000] if start >= 0 else done.stderr[-3000:]
    return result


def table(results: dict) -> str:
    lines = [
        "| call | where | variant | outcome | last step (s) | compiled vs eager |",
        "| --- | --- | --- | --- | --- | ---: |",
    ]
    for number, call in enumerate(results["calls"], 1):
        env = call.get("env", {})
        narrow = " (narrow)" if env.get("AOTI_CRASH_NARROW") == "1" else ""
        where = f"{call['device']}, torch {call['versions'].get('torch')}"
        if env.get("AOTI_DEVICE") == "cpu":
            where += " on CPU"
        for variant, run in call["runs"].items():
            last = run["steps"][-1] if run.get("steps") else "-"
            speedup = f"{run['speedup']:.2f}x" if "speedup" in run else "-"
            outcome = run["outcome"]
            lines.append(
                f"| {number} | {where} | {variant}{narrow} | {outcome} | {last} | {speedup} |"
            )
    return "\n".join([*lines, "", results.get("note", "")]).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--timeout", type=int, default=240, help="seconds per variant")
    parser.add_argument("--table", type=Path, help="print a results file's calls as a table")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(args.table.read_text())), end="")
        return
    if args.child:
        print("RESULT " + json.dumps(child(args.child)), flush=True)
        return
    if not args.out:
        parser.error("--out is needed")
    import torch

    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "tests" / "e2e"), str(root / "benchmarks")]
    from gpu_durations import versions

    args.out.mkdir(parents=True, exist_ok=True)
    device = torch.cuda.get_device_name() if DEVICE == "cuda" else DEVICE
    results: dict = {
        "env": {name: os.environ[name] for name in ENV if name in os.environ},
        "device": device,
        "versions": versions(),
        "runs": {},
    }
    for variant in args.variants.split(","):
        results["runs"][variant] = run(variant, args.timeout)
        outcome = results["runs"][variant]
        print(variant, outcome["outcome"], outcome.get("steps"), flush=True)
        (args.out / "aoti_flux_crash.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
