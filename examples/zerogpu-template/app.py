"""Chat with a language model on ZeroGPU, streamed token by token."""

import os
from threading import Thread

import gradio as gr
import spaces
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, TextIteratorStreamer

MODEL_ID = os.environ.get("MODEL_ID", "Qwen/Qwen2.5-0.5B-Instruct")
TITLE = "Zerogpu Template"
MAX_NEW_TOKENS = 512  # the most that fits under the per-call cap

# On ZeroGPU, torch.cuda.is_available() is always True and `.to(device)` at
# module scope registers the weights for the GPU that each @spaces.GPU call
# attaches. Elsewhere this picks your own GPU, or the CPU.
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
dtype = torch.bfloat16 if device.type == "cuda" else torch.float32

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


@spaces.GPU(duration=60)
def chat(message: str, history: list[dict], max_new_tokens: int, temperature: float):
    """Stream the reply. The whole token loop runs inside this one GPU call."""
    inputs = tokenizer.apply_chat_template(
        as_chat_messages(message, history),
        add_generation_prompt=True,
        return_dict=True,
        return_tensors="pt",
    ).to(device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    generation = Thread(
        target=model.generate,
        kwargs=dict(
            **inputs,
            streamer=streamer,
            max_new_tokens=int(max_new_tokens),
            do_sample=temperature > 0,
            temperature=temperature if temperature > 0 else None,
        ),
    )
    generation.start()
    reply = ""
    for piece in streamer:
        reply += piece
        yield reply  # plain str: only CPU objects cross back to the main process
    generation.join()


demo = gr.ChatInterface(
    chat,
    title=TITLE,
    description=f"Chat with `{MODEL_ID}` on ZeroGPU.",
    additional_inputs=[
        gr.Slider(16, MAX_NEW_TOKENS, value=256, step=16, label="Max new tokens"),
        gr.Slider(0.0, 1.5, value=0.7, step=0.05, label="Temperature"),
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
