"""Pick a checkpoint, then paint: models load when a visitor asks for them."""

import tempfile

import gradio as gr
import spaces
import torch
from captions import captioner
from loaders import load_pipeline, load_unet
from nets import Refiner

device = "cuda" if torch.cuda.is_available() else "cpu"
pipe = None
current = None


class Config:
    style = "photo"


CONFIG = Config()


def ensure(name: str):
    global pipe, current
    if pipe is None or current != name:
        pipe = load_pipeline(name).to(device)
        current = name
    return pipe


@spaces.GPU(duration=60)
def paint(name: str, prompt: str, style: str) -> str:
    CONFIG.style = style  # expect: ZG501
    image = ensure(name)(f"{prompt}, {CONFIG.style}").images[0]
    with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as handle:
        path = handle.name
    image.save(path)
    return path


@spaces.GPU(duration=60)
def refine(name: str, image):
    refiner = Refiner()  # expect: ZG203
    refiner.load_state_dict(torch.load("refiner.pt"))  # expect: ZG203
    unet = load_unet(name)
    return refiner.run(unet, image).cpu().numpy()


@spaces.GPU(duration=20)
def caption(image) -> str:
    return captioner()(image)[0]["generated_text"]


with gr.Blocks() as demo:
    name = gr.Dropdown(["org/sd-a", "org/sd-b"], value="org/sd-a")
    prompt = gr.Textbox()
    style = gr.Radio(["photo", "sketch"], value="photo")
    result = gr.Image(type="filepath")
    gr.Button("Paint").click(paint, [name, prompt, style], result)
    gr.Button("Refine").click(refine, [name, result], gr.Image())
    gr.Button("Caption").click(caption, result, gr.Textbox())

demo.launch()
