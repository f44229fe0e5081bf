"""Eager against ahead-of-time compiled (AoTI) denoisers, for the aoti_compile answer.

Models of the real shapes with random weights (no Hub access), on a GPU:

- `app`: the rendered text-to-image app itself, once rendered with
  aoti_compile=false and once with true, each imported in its own process with
  MODEL_ID pointing at an sd-turbo-shaped pipeline (tests/e2e/tasks/text_to_image.py);
  the AoTI app compiles at import, through its own compile_denoiser(). Its
  handler is timed at 1 and at 9 steps per size, every call in a fresh
  ThreadPoolExecutor thread as the `spaces` worker runs it; the step time is
  (t9 - t1) / 8.
- `flux`: FLUX.1-schnell's transformer (diffusers' FluxTransformer2DModel
  defaults are FLUX.1's shape, 11.9B parameters, bf16), 4 forwards at 1024x1024
  (4096 image tokens, 512 text tokens) per call in a fresh thread, eager against
  exported with the same dynamic shapes as the app and compiled with
  spaces.aoti_compile; the compiled model also runs 512x512 (1024 tokens).
- `flux-blocks`: the same transformer with fewer blocks (--flux-layers, default
  2 double-stream and 4 single-stream of FLUX.1's 19 and 38; every block the
  full size), eager against AoTI with the app's dynamic shapes (`flux-blocks`)
  or static ones (`flux-blocks-static`), each in its own process. Every block
  of the real model is one of these two, so the per-step speedup carries over,
  and export and compile take minutes (the full model's crashed: exit -11).

    python benchmarks/aoti_speedup.py --out OUT --apps DIR   # DIR/{eager,aoti}/text-to-image
    python benchmarks/aoti_speedup.py --table benchmarks/results/aoti_speedup.json

DIR/eager and DIR/aoti come from `benchmarks/render_apps.py DIR/eager text-to-image`
and the same with `--data aoti_compile=true`. Prints a Markdown table and writes
aoti_speedup.{json,md} to --out.
"""

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gpu_durations  # noqa: E402
from gpu_durations import in_worker_thread, versions  # noqa: E402

SIDES = [int(side) for side in os.environ.get("AOTI_BENCH_SIDES", "512,1024").split(",")]
APP_CALLS = [(side, steps) for side in SIDES for steps in (1, 9)]
FORWARDS = 10  # per timed call of the denoiser alone


def timed(call, repeats: int) -> list[float]:
    return gpu_durations.timed(in_worker_thread, call, repeats)


def app_child(app_dir: Path, repeats: int) -> dict:
    import torch

    sys.path.insert(0, str(app_dir))
    started = time.perf_counter()
    app = importlib.import_module("app")
    load_seconds = time.perf_counter() - started
    compiled = type(app.denoiser.forward).__name__ if hasattr(app, "denoiser") else "eager"
    rows = {}
    for side, steps in APP_CALLS:

        def call(side=side, steps=steps):
            app.generate("A lighthouse at dawn", steps, side, side, 0.0, 1)
            torch.cuda.synchronize()

        rows[f"{side}x{side}, {steps} steps"] = timed(call, repeats)
    return {
        "load_seconds": load_seconds,
        "forward": compiled,
        "rows": rows,
        "denoiser": denoiser_steps(app, torch, repeats),
    }


def denoiser_steps(app, torch, repeats: int) -> dict:
    """The denoiser alone, FORWARDS forwards per call on the inputs one pipeline call
    gave it at each size: the handler's fixed costs (text encoder, VAE) left out."""
    recorded: dict = {}
    # only the aoti render names its denoiser; for the eager one, the template's own choice
    pipe = app.pipe
    denoiser = getattr(app, "denoiser", None) or (
        pipe.transformer if hasattr(pipe, "transformer") else pipe.unet
    )

    def record(module, args, kwargs):
        recorded.setdefault("call", (args, kwargs))

    rows = {}
    for side in SIDES:
        recorded.clear()
        hook = denoiser.register_forward_pre_hook(record, with_kwargs=True)
        app.generate("A lighthouse at dawn", 1, side, side, 0.0, 1)
        hook.remove()
        args, kwargs = recorded["call"]

        def call(args=args, kwargs=kwargs):
            with torch.inference_mode():
                for _ in range(FORWARDS):
                    denoiser(*args, **kwargs)
            torch.cuda.synchronize()

        rows[f"{side}x{side}, {FORWARDS} forwards"] = timed(call, repeats)
    return rows


def flux_inputs(model, image_tokens: int, text_tokens: int = 512, ids_dtype=None) -> dict:
    """One forward's keyword arguments for a FluxTransformer2DModel, shaped by its
    config, in its dtype and on its device (FLUX.1-schnell: no guidance input)."""
    import torch

    weight = next(model.parameters())
    like = dict(device=weight.device, dtype=weight.dtype)
    ids = dict(device=weight.device, dtype=ids_dtype or weight.dtype)
    config = model.config
    return dict(
        hidden_states=torch.randn(1, image_tokens, config.in_channels, **like),
        encoder_hidden_states=torch.randn(1, text_tokens, config.joint_attention_dim, **like),
        pooled_projections=torch.randn(1, config.pooled_projection_dim, **like),
        timestep=torch.tensor([1.0], **like),
        img_ids=torch.zeros(image_tokens, 3, **ids),
        txt_ids=torch.zeros(text_tokens, 3, **ids),
        guidance=None,
        return_dict=False,
    )


def flux_child(repeats: int, layers: tuple[int, int] | None = None, dynamic: bool = True) -> dict:
    """FLUX.1's transformer, eager and then AoTI-compiled; `layers` (double-stream,
    single-stream blocks) makes a shallower one of the same width."""
    import torch
    from diffusers import FluxTransformer2DModel

    torch.backends.cuda.enable_cudnn_sdp(False)  # as every app does
    depth = dict(num_layers=layers[0], num_single_layers=layers[1]) if layers else {}
    with torch.device("cuda"):
        model = FluxTransformer2DModel(**depth).to(torch.bfloat16).eval()
    parameters = sum(p.numel() for p in model.parameters())

    def inputs(side: int) -> dict:
        return flux_inputs(model, image_tokens=(side // 16) ** 2)

    def steps(side: int, n: int = 4):
        kwargs = inputs(side)

        def call():
            with torch.inference_mode():
                for _ in range(n):
                    model(**kwargs)
            torch.cuda.synchronize()

        return call

    result: dict = {"parameters": parameters, "rows": {}, "dynamic": dynamic}
    if layers:
        result["layers"] = list(layers)
    result["rows"]["eager, 1024x1024, 4 steps"] = timed(steps(1024), repeats)
    result["rows"]["eager, 512x512, 4 steps"] = timed(steps(512), repeats)
    print("RESULT " + json.dumps(result), flush=True)  # kept if compiling crashes
    try:
        import spaces

        started = time.perf_counter()
        kwargs = inputs(1024)
        shapes = {
            name: {dim: torch.export.Dim.AUTO for dim in range(value.ndim)}
            if isinstance(value, torch.Tensor) and dynamic
            else None
            for name, value in kwargs.items()
        }
        exported = torch.export.export(model, args=(), kwargs=kwargs, dynamic_shapes=shapes)
        compiled = spaces.aoti_compile(exported)
        spaces.aoti_apply(compiled, model)
        result["compile_seconds"] = time.perf_counter() - started
        result["rows"]["aoti, 1024x1024, 4 steps"] = timed(steps(1024), repeats)
        if dynamic:  # a static export runs only the shape it was exported at
            result["rows"]["aoti, 512x512, 4 steps"] = timed(steps(512), repeats)
    except Exception as error:
        result["error"] = f"{type(error).__name__}: {str(error)[:2000]}"
    return result


def run_child(args: list[str], env: dict, timeout: int) -> dict:
    try:
        child = subprocess.run(
            [sys.executable, "-X", "faulthandler", __file__, *args],
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        return {"error": f"timed out after {timeout} s", "stderr": str(error.stderr)[-3000:]}
    lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        return {"error": f"exit {child.returncode}", "stderr": child.stderr[-3000:]}
    result = json.loads(lines[-1][7:])
    if child.returncode:
        result["error"] = f"exit {child.returncode}"
        result["stderr"] = crash_report(child.stderr)
    return result


def crash_report(stderr: str) -> str:
    """faulthandler's report of a crash (its thread stacks), else the end of stderr."""
    start = stderr.find("Fatal Python error")
    return stderr[start : start + 4000] if start >= 0 else stderr[-3000:]


def p50(values: list[float]) -> float:
    return statistics.median(values)


def table(results: dict) -> str:
    lines = [
        f"GPU: {results.get('device')}; versions: "
        + ", ".join(f"{k} {v}" for k, v in results.get("versions", {}).items())
        + ". Every call in a fresh ThreadPoolExecutor thread (the spaces worker's way); "
        "median of the repeats after a warm-up.",
        "",
    ]
    apps = results.get("app", {})
    if apps:
        lines += [
            "sd-turbo-shaped text-to-image app (rendered; handler time):",
            "",
            "| input | eager s | AoTI s | speedup |",
            "| --- | ---: | ---: | ---: |",
        ]
        eager, aoti = apps.get("eager", {}), apps.get("aoti", {})
        for label in eager.get("rows", {}):
            e, a = p50(eager["rows"][label]), p50(aoti.get("rows", {}).get(label, [float("nan")]))
            lines.append(f"| {label} | {e:.3f} | {a:.3f} | {e / a:.2f}x |")
        for side in sorted({s for s, _ in APP_CALLS}):
            first, last = f"{side}x{side}, 1 steps", f"{side}x{side}, 9 steps"
            if first in eager.get("rows", {}) and last in aoti.get("rows", {}):
                step_e = (p50(eager["rows"][last]) - p50(eager["rows"][first])) / 8
                step_a = (p50(aoti["rows"][last]) - p50(aoti["rows"][first])) / 8
                lines.append(
                    f"| one UNet step at {side}x{side} | {step_e:.4f} | {step_a:.4f} "
                    f"| {step_e / step_a:.2f}x |"
                )
        denoised = [aoti.get("denoiser", {}), eager.get("denoiser", {})]
        for label in sorted(set(denoised[0]) | set(denoised[1])):
            a, e = (p50(d[label]) / FORWARDS if label in d else float("nan") for d in denoised)
            lines.append(
                f"| denoiser alone, {label}: s a forward | {e:.4f} | {a:.4f} | {e / a:.2f}x |"
            )
        lines += [
            "",
            f"App start-up: eager {eager.get('load_seconds', float('nan')):.0f} s, AoTI "
            f"{aoti.get('load_seconds', float('nan')):.0f} s (compile included); the AoTI "
            f"app's denoiser forward: {aoti.get('forward', aoti.get('error', '?'))}.",
            "",
        ]
    for key in ("flux", "flux_blocks", "flux_blocks_static"):
        if key in results:
            lines += flux_table(results[key])
    if "flux_blocks_run" in results:
        lines += [f"FLUX blocks run: {results['flux_blocks_run']}"]
    if "run" in results:
        lines += ["", f"Run: {results['run']}"]
    return "\n".join(lines) + "\n"


def flux_table(flux: dict) -> list[str]:
    depth = (
        f"{flux['layers'][0]} double- and {flux['layers'][1]} single-stream blocks, "
        if "layers" in flux
        else ""
    )
    shapes = "dynamic" if flux.get("dynamic", True) else "static"
    lines = [
        f"FLUX.1-schnell-shaped transformer ({depth}{flux.get('parameters', 0) / 1e9:.2f}B, "
        f"bf16; AoTI export with {shapes} shapes), 4 forwards per call:",
        "",
        "| run | s per call | s per step |",
        "| --- | ---: | ---: |",
    ]
    for label, seconds in flux.get("rows", {}).items():
        lines.append(f"| {label} | {p50(seconds):.3f} | {p50(seconds) / 4:.4f} |")
    rows = flux.get("rows", {})
    for side in ("1024x1024", "512x512"):
        e, a = rows.get(f"eager, {side}, 4 steps"), rows.get(f"aoti, {side}, 4 steps")
        if e and a:
            lines.append(f"| speedup at {side} | {p50(e) / p50(a):.2f}x | |")
    if "compile_seconds" in flux:
        lines += ["", f"Export and compile: {flux['compile_seconds']:.0f} s."]
    if "error" in flux:
        lines += ["", f"AoTI failed: {flux['error']}"]
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--apps", type=Path, help="holds eager/ and aoti/ text-to-image renders")
    parser.add_argument("--table", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--parts", default="app,flux")
    parser.add_argument("--kinds", default="eager,aoti", help="which app renders to time")
    parser.add_argument(
        "--timeout", type=int, default=500, help="seconds per child (AoTI start-up: 377-420 s)"
    )
    parser.add_argument(
        "--flux-layers", default="2,4", help="flux-blocks: double-stream,single-stream blocks"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--static", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(args.table.read_text())), end="")
        return
    layers = tuple(int(n) for n in args.flux_layers.split(","))
    if args.child == "flux":
        print("RESULT " + json.dumps(flux_child(args.repeats)), flush=True)
        return
    if args.child == "flux-blocks":
        result = flux_child(args.repeats, (layers[0], layers[1]), dynamic=not args.static)
        print("RESULT " + json.dumps(result), flush=True)
        return
    if args.child:
        print("RESULT " + json.dumps(app_child(Path(args.child), args.repeats)), flush=True)
        return
    if not args.out:
        parser.error("--out is needed to run the benchmark")
    import torch

    args.out.mkdir(parents=True, exist_ok=True)
    results: dict = {"device": torch.cuda.get_device_name(), "versions": versions()}
    parts = args.parts.split(",")
    if "app" in parts:
        from tasks import text_to_image

        model_dir = Path(tempfile.mkdtemp(prefix="aoti-sd-turbo-"))
        text_to_image.build_model(model_dir, "bench")
        results["app"] = {}
        for kind in args.kinds.split(","):
            results["app"][kind] = run_child(
                [
                    "--repeats",
                    str(args.repeats),
                    "--child",
                    str(args.apps / kind / "text-to-image"),
                ],
                {"MODEL_ID": str(model_dir)},
                args.timeout,
            )
            print(kind, json.dumps(results["app"][kind])[:3000], flush=True)
            (args.out / "aoti_speedup.json").write_text(json.dumps(results, indent=2))
    if "flux" in parts:
        results["flux"] = run_child(
            ["--repeats", str(args.repeats), "--child", "flux"], {}, args.timeout
        )
        print("flux", json.dumps(results["flux"])[:3000], flush=True)
    for part, key, extra in (
        ("flux-blocks", "flux_blocks", []),
        ("flux-blocks-static", "flux_blocks_static", ["--static"]),
    ):
        if part in parts:
            child = ["--repeats", str(args.repeats), "--flux-layers", args.flux_layers]
            results[key] = run_child([*child, "--child", "flux-blocks", *extra], {}, args.timeout)
            print(key, json.dumps(results[key])[:3000], flush=True)
    (args.out / "aoti_speedup.json").write_text(json.dumps(results, indent=2))
    (args.out / "aoti_speedup.md").write_text(table(results))
    print(table(results), end="")


if __name__ == "__main__":
    main()
