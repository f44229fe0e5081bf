"""Why a transformers decoder generates ~3x slower in a non-main thread (issue 16).

Builds the Qwen2.5-0.5B-shaped bench model from its config (random weights,
tests/e2e/tasks/text_generation.py), then times 256 greedy new tokens, median
of 3 after a warm-up, run on the main thread, in a `threading.Thread`, in a
fresh `ThreadPoolExecutor` thread (as the `spaces` worker runs every task), in
one reused executor thread, as a manual decode loop, as the chat handler's
body (TextIteratorStreamer + generate on its own thread, iterated in an
executor thread), with `sdpa` and `eager` attention, and with and without the
fix (cuDNN attention off). It also profiles a short generate in the main
thread and in a new thread (which SDPA kernels run, which CPU ops cost), and
times bare `scaled_dot_product_attention` calls of the decode shape.

    python benchmarks/thread_penalty.py --out OUT [--tokens 256] [--repeats 3]
    python benchmarks/thread_penalty.py --table benchmarks/results/thread_penalty.json

Prints a Markdown table and writes thread_penalty.{md,json} to --out.
`--sections` picks parts (table, fix, profile, sweep); `--tiny` runs the
CPU-sized model for a smoke test.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import torch  # noqa: E402
from gpu_durations import timed  # noqa: E402
from tasks import text_generation  # noqa: E402

PROMPT = "Explain what a GPU does"
Work = Callable[[], Any]


# --- where the work runs --------------------------------------------------------------


def on_main(work: Work) -> Any:
    return work()


def in_thread(work: Work) -> Any:
    """A new threading.Thread per call, as the chat handler starts one for generate()."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as error:  # re-raised on the calling thread
            box["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")


def in_executor(work: Work) -> Any:
    """A fresh ThreadPoolExecutor thread per call (spaces' thread_wrapper)."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(work).result()


_REUSED = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reused")


def in_reused_executor(work: Work) -> Any:
    """One long-lived executor thread: per-thread caches survive between calls."""
    return _REUSED.submit(work).result()


RUNNERS: dict[str, Callable[[Work], Any]] = {
    "main thread": on_main,
    "threading.Thread": in_thread,
    "ThreadPoolExecutor (fresh)": in_executor,
    "ThreadPoolExecutor (reused)": in_reused_executor,
}


# --- what runs ------------------------------------------------------------------------


def synced(work: Work) -> Work:
    def run() -> Any:
        result = work()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        return result

    return run


def generate(model: Any, inputs: dict, tokens: int) -> Work:
    return synced(
        lambda: model.generate(
            **inputs, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False
        )
    )


def decode_loop(model: Any, inputs: dict, tokens: int) -> Work:
    """Prefill, then one forward per token with the KV cache, greedy."""

    def run() -> Any:
        with torch.inference_mode():
            out = model(**inputs, use_cache=True)
            mask = inputs["attention_mask"]
            next_id = out.logits[:, -1:].argmax(-1)
            for _ in range(tokens - 1):
                mask = torch.cat([mask, mask.new_ones((mask.shape[0], 1))], dim=1)
                out = model(
                    input_ids=next_id,
                    attention_mask=mask,
                    past_key_values=out.past_key_values,
                    use_cache=True,
                )
                next_id = out.logits[:, -1:].argmax(-1)
            return next_id

    return synced(run)


def chat_handler(model: Any, tokenizer: Any, inputs: dict, tokens: int) -> Work:
    """The body of the template's chat(): generate() on a Thread, the streamer iterated here."""
    from transformers import TextIteratorStreamer

    def run() -> str:
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        generation = threading.Thread(
            target=model.generate,
            kwargs=dict(
                **inputs,
                streamer=streamer,
                max_new_tokens=tokens,
                min_new_tokens=tokens,
                do_sample=False,
            ),
        )
        generation.start()
        reply = ""
        for piece in streamer:
            reply += piece
        generation.join()
        return reply

    return synced(run)


# --- the parts ------------------------------------------------------------------------


def set_cudnn_attention(enabled: bool) -> None:
    """The fix under test: keep SDPA off cuDNN, whose plan cache is per thread."""
    torch.backends.cuda.enable_cudnn_sdp(enabled)


def build(scale: str, device: torch.device) -> tuple[Any, dict[str, Any], dict]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model_dir = Path(tempfile.mkdtemp(prefix="thread-penalty-"))
    text_generation.build_model(model_dir, scale)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    models = {
        attn: AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype, attn_implementation=attn)
        .to(device)
        .eval()
        for attn in ("sdpa", "eager")
    }
    inputs = tokenizer.apply_chat_template(
        [{"role": "user", "content": PROMPT}],
        add_generation_prompt=True,
        return_dict=True,
        return_tensors="pt",
    ).to(device)
    return tokenizer, models, dict(inputs)


QUICK = {("model.generate", "main thread"), ("model.generate", "threading.Thread")}
QUICK.add(("chat handler body (streamer + generate thread)", "ThreadPoolExecutor (fresh)"))


def table_rows(
    tokenizer: Any,
    models: dict[str, Any],
    inputs: dict,
    tokens: int,
    repeats: int,
    fix: bool,
    quick: bool,
    rows: list[dict],
    saved: Callable[[], None],
) -> None:
    """Appends one row per plan entry to `rows`, calling `saved()` after each."""
    sdpa, eager = models["sdpa"], models["eager"]
    plan: list[tuple[str, str, str, Work]] = [
        ("model.generate", "sdpa", "main thread", generate(sdpa, inputs, tokens)),
        ("model.generate", "sdpa", "threading.Thread", generate(sdpa, inputs, tokens)),
        ("model.generate", "sdpa", "ThreadPoolExecutor (fresh)", generate(sdpa, inputs, tokens)),
        ("model.generate", "sdpa", "ThreadPoolExecutor (reused)", generate(sdpa, inputs, tokens)),
        ("manual decode loop", "sdpa", "main thread", decode_loop(sdpa, inputs, tokens)),
        ("manual decode loop", "sdpa", "threading.Thread", decode_loop(sdpa, inputs, tokens)),
        (
            "chat handler body (streamer + generate thread)",
            "sdpa",
            "ThreadPoolExecutor (fresh)",
            chat_handler(sdpa, tokenizer, inputs, tokens),
        ),
        ("model.generate", "eager", "main thread", generate(eager, inputs, tokens)),
        ("model.generate", "eager", "threading.Thread", generate(eager, inputs, tokens)),
    ]
    if fix:  # the fix must not matter for eager: skip those rows
        plan = [row for row in plan if row[1] == "sdpa"]
    if quick:
        plan = [row for row in plan if (row[0], row[2]) in QUICK]
    set_cudnn_attention(not fix)
    for what, attn, where, work in plan:
        # Everything was warmed up on the main thread. A reused thread is warmed in
        # itself first; a fresh thread starts cold by design, which is the point.
        warm = where in ("main thread", "ThreadPoolExecutor (reused)")
        seconds = timed(RUNNERS[where], work, repeats, warm=warm)
        median = statistics.median(seconds)
        rows.append(
            {
                "what": what,
                "attention": attn,
                "where": where,
                "cudnn_sdpa": not fix,
                "tokens": tokens,
                "seconds": seconds,
                "median_s": median,
                "ms_per_token": 1000 * median / tokens,
            }
        )
        print(f"  {what} | {attn} | {where} | cudnn {not fix}: {median:.2f} s", flush=True)
        saved()
    set_cudnn_attention(True)


def ab_rows(
    tokenizer: Any, models: dict[str, Any], inputs: dict, tokens: int, repeats: int
) -> list[dict]:
    """The target, interleaved so that drift hits all alike: the chat handler's body in a
    fresh executor thread with the fix, against main-thread generate with and without it."""
    sdpa = models["sdpa"]
    arms: list[tuple[str, str, bool, Work]] = [
        ("model.generate", "main thread", True, generate(sdpa, inputs, tokens)),
        ("model.generate", "main thread", False, generate(sdpa, inputs, tokens)),
        (
            "chat handler body (streamer + generate thread)",
            "ThreadPoolExecutor (fresh)",
            False,
            chat_handler(sdpa, tokenizer, inputs, tokens),
        ),
    ]
    seconds: list[list[float]] = [[] for _ in arms]
    for _ in range(repeats):
        for index, (_what, where, cudnn, work) in enumerate(arms):
            set_cudnn_attention(cudnn)
            started = time.perf_counter()
            RUNNERS[where](work)
            seconds[index].append(time.perf_counter() - started)
    set_cudnn_attention(True)
    rows = []
    for (what, where, cudnn, _work), runs in zip(arms, seconds, strict=True):
        median = statistics.median(runs)
        rows.append(
            {
                "what": what,
                "attention": "sdpa",
                "where": where,
                "cudnn_sdpa": cudnn,
                "tokens": tokens,
                "seconds": runs,
                "median_s": median,
                "ms_per_token": 1000 * median / tokens,
            }
        )
    return rows


def profile_rows(models: dict[str, Any], inputs: dict, tokens: int) -> dict[str, Any]:
    """One profile of a short generate in each place: kernels and CPU ops, top by time."""
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
    work = generate(models["sdpa"], inputs, tokens)
    work()  # warm on main
    result: dict[str, Any] = {}
    for cudnn in (True, False):
        set_cudnn_attention(cudnn)
        for where in ("main thread", "threading.Thread"):

            def profiled() -> Any:
                with profile(activities=activities) as prof:
                    work()
                return prof.key_averages()

            averages = RUNNERS[where](profiled)
            events = [
                {
                    "name": event.key,
                    "count": event.count,
                    "self_cpu_ms": event.self_cpu_time_total / 1000,
                    "device_ms": getattr(event, "self_device_time_total", 0) / 1000,
                }
                for event in averages
            ]
            by_cpu = sorted(events, key=lambda e: -e["self_cpu_ms"])[:15]
            attention = [
                e
                for e in events
                if any(
                    k in e["name"].lower() for k in ("sdpa", "flash", "fmha", "attention", "cudnn")
                )
            ]
            runtime = [e for e in events if e["name"].startswith(("cuda", "cu"))]
            result[f"{where} | cudnn {cudnn}"] = {
                "top_self_cpu": by_cpu,
                "attention": attention,
                "runtime_calls": runtime,
            }
    set_cudnn_attention(True)
    return result


def sweep_rows(device: torch.device) -> list[dict]:
    """Bare SDPA of the decode shape (14 query heads, 2 KV heads, 64 dims, GQA) over
    256 growing key lengths, as generate calls it: first and second pass on the main
    thread, then in a new thread; cuDNN attention on and off."""
    import torch.nn.functional as F

    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    lengths = range(17, 17 + 256)
    q = torch.randn(1, 14, 1, 64, device=device, dtype=dtype)
    k = torch.randn(1, 2, lengths[-1], 64, device=device, dtype=dtype)
    v = torch.randn_like(k)

    def sweep() -> float:
        started = time.perf_counter()
        with torch.inference_mode():
            for length in lengths:
                F.scaled_dot_product_attention(
                    q, k[:, :, :length], v[:, :, :length], enable_gqa=True
                )
        if device.type == "cuda":
            torch.cuda.synchronize()
        return 1000 * (time.perf_counter() - started) / len(lengths)

    rows = []
    for cudnn in (True, False):
        set_cudnn_attention(cudnn)
        # Shift the lengths per setting so that no earlier pass warmed them.
        lengths = range(17 + (0 if cudnn else 300), 17 + (0 if cudnn else 300) + 256)
        k = torch.randn(1, 2, lengths[-1], 64, device=device, dtype=dtype)
        v = torch.randn_like(k)
        for label, runner in (
            ("main thread, first pass", on_main),
            ("main thread, second pass", on_main),
            ("new thread", in_thread),
        ):
            rows.append({"cudnn_sdpa": cudnn, "where": label, "ms_per_call": runner(sweep)})
        rows.append(
            {
                "cudnn_sdpa": cudnn,
                "where": "new thread, second of two passes",
                "ms_per_call": in_thread(lambda: (sweep(), sweep())[1]),
            }
        )
        try:  # private API: report it, do not fail on it
            choice = str(torch._fused_sdp_choice(q, k, v, enable_gqa=True))
        except Exception as error:
            choice = f"unavailable: {error}"
        rows.append({"cudnn_sdpa": cudnn, "backend_choice_for_decode_shape": choice})
    set_cudnn_attention(True)
    return rows


def environment() -> dict[str, str]:
    import transformers

    info = {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "cudnn": str(torch.backends.cudnn.version()),
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
    }
    if torch.cuda.is_available():
        info["capability"] = ".".join(map(str, torch.cuda.get_device_capability()))
    return info


# --- output ---------------------------------------------------------------------------


HEADER = [
    "| what runs | attention | where | cuDNN SDPA | median s | ms/token | runs (s) |",
    "|---|---|---|---|---:|---:|---|",
]


def row_line(row: dict) -> str:
    runs = ", ".join(f"{s:.2f}" for s in row["seconds"])
    return (
        f"| {row['what']} | {row['attention']} | {row['where']} | "
        f"{'on' if row['cudnn_sdpa'] else 'off'} | {row['median_s']:.2f} | "
        f"{row['ms_per_token']:.1f} | {runs} |"
    )


def markdown(results: dict) -> str:
    env = results["environment"]
    lines = [
        f"{env['device']} (sm {env.get('capability', '-')}), Python {env['python']}, "
        f"torch {env['torch']}, transformers {env['transformers']}, cuDNN {env['cudnn']}",
        *([f"Runs: {results['runs']}."] if "runs" in results else []),
        "",
        *HEADER,
    ]
    lines += [row_line(row) for row in results.get("table", []) + results.get("fix", [])]
    if results.get("ab"):
        lines += ["", "Interleaved rounds (the target: the handler with the fix against", ""]
        lines[-2] += " main-thread generate):"
        lines += [*HEADER, *(row_line(row) for row in results["ab"])]
    sweep = [row for row in results.get("sweep", []) if "where" in row]
    if sweep:
        lines += [
            "",
            "Bare SDPA, decode shape (q 1x14x1x64, k/v 1x2xLx64, enable_gqa), 256 growing L:",
            "",
            "| cuDNN SDPA | where | ms per call |",
            "|---|---|---:|",
        ]
        for row in sweep:
            lines.append(
                f"| {'on' if row['cudnn_sdpa'] else 'off'} | {row['where']} | "
                f"{row['ms_per_call']:.3f} |"
            )
    for row in results.get("sweep", []):
        if "backend_choice_for_decode_shape" in row:
            lines.append(
                f"\n`torch._fused_sdp_choice` for that shape, cuDNN SDPA "
                f"{'on' if row['cudnn_sdpa'] else 'off'}: {row['backend_choice_for_decode_shape']}"
            )
    for place, summary in results.get("profile", {}).items():
        lines += ["", f"Profile, 32-token generate, {place} (attention ops and kernels):", ""]
        lines += ["| name | count | self CPU ms | device ms |", "|---|---:|---:|---:|"]
        for event in sorted(summary["attention"], key=lambda e: -e["self_cpu_ms"])[:8]:
            lines.append(
                f"| `{event['name'][:90]}` | {event['count']} | {event['self_cpu_ms']:.1f} | "
                f"{event['device_ms']:.1f} |"
            )
    for other in results.get("other_versions", []):
        lines += ["", f"Same script, {other['note']}:", "", markdown(other).rstrip("\n")]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sections", default="table,fix,profile,sweep")
    parser.add_argument(
        "--quick", action="store_true", help="generate main/thread and handler only"
    )
    parser.add_argument("--tiny", action="store_true", help="CPU-sized model, smoke test only")
    parser.add_argument("--table", type=Path, help="print the table of a saved JSON and exit")
    args = parser.parse_args()
    if args.table:
        print(markdown(json.loads(args.table.read_text())), end="")
        return
    if args.out is None:
        parser.error("--out is required unless --table is given")
    args.out.mkdir(parents=True, exist_ok=True)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    sections = args.sections.split(",")
    results: dict[str, Any] = {"environment": environment(), "tokens": args.tokens}
    tokenizer, models, inputs = build("tiny" if args.tiny else "bench", device)
    for model in models.values():  # kernels, allocator, cuBLAS, on the main thread
        generate(model, inputs, args.tokens)()

    def save() -> None:
        (args.out / "thread_penalty.json").write_text(json.dumps(results, indent=2) + "\n")
        (args.out / "thread_penalty.md").write_text(markdown(results))

    for section in sections:
        print(f"== {section}", flush=True)
        if section in ("table", "fix"):
            table_rows(
                tokenizer,
                models,
                inputs,
                args.tokens,
                args.repeats,
                fix=section == "fix",
                quick=args.quick,
                rows=results.setdefault(section, []),
                saved=save,
            )
        elif section == "ab":
            results["ab"] = ab_rows(tokenizer, models, inputs, args.tokens, 2 * args.repeats - 1)
        elif section == "profile":
            results["profile"] = profile_rows(models, inputs, 32)
        elif section == "sweep":
            results["sweep"] = sweep_rows(device)
        else:
            parser.error(f"unknown section {section!r}: choose from table, fix, ab, profile, sweep")
        save()
    print(markdown(results), end="")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
