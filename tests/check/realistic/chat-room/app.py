"""A chat Space whose UI is built in a function, with a streaming GPU reply."""

import gradio as gr
import spaces
import torch
from history import remember
from transformers import AutoModelForCausalLM, AutoTokenizer

RESERVE = -5
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
tokenizer = AutoTokenizer.from_pretrained("org/chat")
model = AutoModelForCausalLM.from_pretrained("org/chat").to(device)


@spaces.GPU(duration=RESERVE)  # expect: ZG305
def reply(message: str, history: list[dict]) -> str:
    remember(message)
    inputs = tokenizer.apply_chat_template(
        [*history, {"role": "user", "content": message}], return_tensors="pt"
    ).to(device)
    output = model.generate(inputs, max_new_tokens=128)
    return tokenizer.decode(output[0, inputs.shape[1] :], skip_special_tokens=True)


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        chat = gr.Chatbot()
        box = gr.Textbox()

        @spaces.GPU(duration=60)
        async def stream(message: str, turns: list[dict]):  # expect: ZG402
            text = reply(message, turns)
            for end in range(0, len(text), 8):
                yield text[:end]

        box.submit(stream, [box, chat], chat)
    return demo


build().launch()
