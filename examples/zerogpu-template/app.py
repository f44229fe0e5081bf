"""Chat with a language model on ZeroGPU, streamed token by token."""

import functools
import inspect
import os
from concurrent.futures import Future, ThreadPoolExecutor

import spaces  # before torch and CUDA libraries: on ZeroGPU it must set CUDA up first

# isort: split
import gradio as gr
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, TextIteratorStreamer

MODEL_ID = os.environ.get("MODEL_ID", "Qwen/Qwen2.5-0.5B-Instruct")
TITLE = "Zerogpu Template"

# The most new tokens 19 declared seconds cover (about 0.035 s a token).
MAX_NEW_TOKENS = 512
MAX_MESSAGE_CHARS = 4000
MAX_TEMPERATURE = 1.5

# On ZeroGPU, torch.cuda.is_available() is always True and `.to(device)` at
# module scope registers the weights for the GPU that each @spaces.GPU call
# attaches. Elsewhere this picks your own GPU, or the CPU.
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
dtype = torch.bfloat16 if device.type == "cuda" else torch.float32

# ZeroGPU runs every call in a new thread, and cuDNN's attention kernels cache
# their plans per thread and per sequence length: on GPUs where torch picks
# cuDNN first, each generated token would build a plan again (about 3x slower).
# Flash attention, torch's next choice, caches nothing per thread (measured on
# an H200 by zgscaffold's benchmarks/thread_penalty.py).
torch.backends.cuda.enable_cudnn_sdp(False)

tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)
model = AutoModelForCausalLM.from_pretrained(MODEL_ID, dtype=dtype).to(device)
model.eval()


def as_chat_messages(message: str, history: list[dict]) -> list[dict]:
    """Gradio's history, whose content is a list of parts, as plain text turns."""
    messages = []
    for turn in history:
        content = turn["content"]
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        messages.append({"role": turn["role"], "content": str(content)})
    messages.append({"role": "user", "content": message})
    return messages


def checked(check):
    """Run `check` on the handler's inputs first, in the main process: bad input is
    refused with a gr.Error before ZeroGPU reserves a GPU (and quota) for the call."""

    def decorate(handler):
        if inspect.isgeneratorfunction(handler):

            @functools.wraps(handler)
            def checked_stream(*args):
                check(*args)
                yield from handler(*args)

            return checked_stream

        @functools.wraps(handler)
        def checked_call(*args):
            check(*args)
            return handler(*args)

        return checked_call

    return decorate


def reported(action: str):
    """Inside the GPU call: turn an unexpected error into a gr.Error that says what
    failed (ZeroGPU shows visitors any other exception only as its class name)."""

    def failed(error: Exception) -> gr.Error:
        return gr.Error(f"{action} failed: {type(error).__name__}: {error}")

    def decorate(handler):
        if inspect.isgeneratorfunction(handler):

            @functools.wraps(handler)
            def reported_stream(*args):
                try:
                    yield from handler(*args)
                except gr.Error:
                    raise
                except Exception as error:
                    raise failed(error) from error

            return reported_stream

        @functools.wraps(handler)
        def reported_call(*args):
            try:
                return handler(*args)
            except gr.Error:
                raise
            except Exception as error:
                raise failed(error) from error

        return reported_call

    return decorate


def check_inputs(
    message: str, history: list[dict], max_new_tokens: int, temperature: float
) -> None:
    """Refuse bad input before any GPU work (runs in the main process)."""
    if not message.strip():
        raise gr.Error("Type a message first.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise gr.Error(f"Keep the message under {MAX_MESSAGE_CHARS} characters.")
    if not 1 <= max_new_tokens <= MAX_NEW_TOKENS:
        raise gr.Error(f"Max new tokens: use 1 to {MAX_NEW_TOKENS}.")
    if not 0 <= temperature <= MAX_TEMPERATURE:
        raise gr.Error(f"Temperature: use 0 to {MAX_TEMPERATURE}.")


@checked(check_inputs)
@spaces.GPU(duration=19)
@reported("Generating the reply")
def chat(message: str, history: list[dict], max_new_tokens: int, temperature: float):
    """Stream the reply. The whole token loop runs inside this one GPU call."""
    inputs = tokenizer.apply_chat_template(
        as_chat_messages(message, history),
        add_generation_prompt=True,
        return_dict=True,
        return_tensors="pt",
    ).to(device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)

    def end_on_failure(done: Future) -> None:
        if done.exception() is not None:  # else the loop below would wait forever
            streamer.end()

    with ThreadPoolExecutor(max_workers=1) as pool:
        generation = pool.submit(
            model.generate,
            **inputs,
            streamer=streamer,
            max_new_tokens=int(max_new_tokens),
            do_sample=temperature > 0,
            temperature=temperature if temperature > 0 else None,
        )
        generation.add_done_callback(end_on_failure)
        reply = ""
        for piece in streamer:
            reply += piece
            yield reply  # plain str: only CPU objects cross back to the main process
        generation.result()  # a failed generate() raises here, inside the GPU call


demo = gr.ChatInterface(
    chat,
    title=TITLE,
    description=f"Chat with `{MODEL_ID}` on ZeroGPU.",
    additional_inputs=[
        gr.Slider(16, MAX_NEW_TOKENS, value=256, step=16, label="Max new tokens"),
        gr.Slider(0.0, MAX_TEMPERATURE, value=0.7, step=0.05, label="Temperature"),
    ],
    examples=[
        ["Explain in two sentences what a GPU does.", 128, 0.7],
        ["Write a haiku about borrowed hardware.", 64, 1.0],
    ],
    # ZeroGPU attaches no GPU at start-up: cache examples on first use only.
    cache_examples=True,
    cache_mode="lazy",
)

if __name__ == "__main__":
    demo.launch()
