"""Image and text embeddings: a class-based app with its own GPU decorators."""

import gradio as gr
import spaces  # noqa: F401  (import before torch)
import torch
import torch.nn.functional as F
from postprocess import scale
from transformers import AutoModel, AutoProcessor
from zero import gpu, on_gpu, quick

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
processor = AutoProcessor.from_pretrained("org/clip")
clip = AutoModel.from_pretrained("org/clip").to(device)


class Lab:
    def __init__(self) -> None:
        self.model = clip

    @on_gpu(duration=300)  # expect: ZG302
    def embed_text(self, text: str):
        inputs = processor(text=[text], return_tensors="pt").to(device)
        features = self.model.get_text_features(**inputs)
        return F.normalize(features, dim=-1)  # expect: ZG401

    @quick
    def embed_image(self, image):
        inputs = processor(images=image, return_tensors="pt").to(device)
        return {"image": self.model.get_image_features(**inputs)}  # expect: ZG401

    @gpu  # expect: ZG301
    def similarity(self, text: str, image) -> float:
        inputs = processor(text=[text], images=image, return_tensors="pt").to(device)
        logits = clip(**inputs).logits_per_image
        return float(logits.softmax(dim=-1)[0, 0])


lab = Lab()


@quick
def raw_logits(text: str, image):
    inputs = processor(text=[text], images=image, return_tensors="pt").to(device)
    return scale(clip(**inputs).logits_per_image)  # expect: ZG401


@on_gpu(duration=30)
def the_model():
    return clip.eval()  # expect: ZG401


with gr.Blocks() as demo:
    text = gr.Textbox()
    image = gr.Image(type="pil")
    out = gr.JSON()
    gr.Button("Text").click(lab.embed_text, text, out)
    gr.Button("Image").click(lab.embed_image, image, out)
    gr.Button("Match").click(lab.similarity, [text, image], out)
    gr.Button("Logits").click(lambda t, i: raw_logits(t, i), [text, image], out)

demo.launch()
