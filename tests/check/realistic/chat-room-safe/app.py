"""A chat Space whose UI is built in a function, with a streaming GPU reply."""

import os

import gradio as gr
import spaces
import torch
from history import remember
from transformers import AutoModelForCausalLM, AutoTokenizer

RESERVE = 45
gpu = spaces.GPU(duration=RESERVE) if os.environ.get("SPACE_ID") else (lambda fn: fn)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
tokenizer = AutoTokenizer.from_pretrained("org/chat")
model = AutoModelForCausalLM.from_pretrained("org/chat").to(device)


@gpu
def reply(message: str, history: list[dict]) -> str:
    inputs = tokenizer.apply_chat_template(
        [*history, {"role": "user", "content": message}], return_tensors="pt"
    ).to(device)
    output = model.generate(inputs, max_new_tokens=128)
    return tokenizer.decode(output[0, inputs.shape[1] :], skip_special_tokens=True)


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        chat = gr.Chatbot()
        box = gr.Textbox()
        notes = gr.State([])

        @spaces.GPU(duration=60)
        def stream(message: str, turns: list[dict], kept: list[str]):
            text = reply(message, turns)
            kept = remember(kept, message)
            for end in range(0, len(text), 8):
                yield text[:end], kept

        box.submit(stream, [box, chat, notes], [chat, notes])
    return demo


build().launch()
