"""Pick a checkpoint, then paint: every checkpoint loads at start-up."""

import tempfile

import gradio as gr
import spaces
import torch
from loaders import load_pipeline
from nets import Refiner

NAMES = ["org/sd-a", "org/sd-b"]
device = "cuda" if torch.cuda.is_available() else "cpu"
pipes = {name: load_pipeline(name).to(device) for name in NAMES}
refiner = Refiner()
refiner.load_state_dict(torch.load("refiner.pt"))
refiner.to(device)


@spaces.GPU(duration=60)
def paint(name: str, prompt: str, style: str) -> str:
    settings = {"style": style}
    settings["style"] = style.lower()
    image = pipes[name](f"{prompt}, {settings['style']}").images[0]
    with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as handle:
        path = handle.name
    image.save(path)
    return path


@spaces.GPU(duration=60)
def refine(image):
    return refiner.run(None, image).cpu().numpy()


with gr.Blocks() as demo:
    name = gr.Dropdown(NAMES, value=NAMES[0])
    prompt = gr.Textbox()
    style = gr.Radio(["photo", "sketch"], value="photo")
    result = gr.Image(type="filepath")
    gr.Button("Paint").click(paint, [name, prompt, style], result)
    gr.Button("Refine").click(refine, result, gr.Image())

demo.launch()
