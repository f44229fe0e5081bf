"""Image and text embeddings: every GPU function hands back CPU data."""

import gradio as gr
import spaces  # noqa: F401  (import before torch)
import torch
import torch.nn.functional as F
from postprocess import scale
from transformers import AutoModel, AutoProcessor
from zero import on_gpu, quick

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
processor = AutoProcessor.from_pretrained("org/clip")
clip = AutoModel.from_pretrained("org/clip").to(device)


class Lab:
    def __init__(self) -> None:
        self.model = clip

    @on_gpu(duration=45)
    def embed_text(self, text: str) -> list[float]:
        inputs = processor(text=[text], return_tensors="pt").to(device)
        features = self.model.get_text_features(**inputs)
        return F.normalize(features, dim=-1).cpu().numpy()[0].tolist()

    @quick
    def embed_image(self, image) -> dict[str, list[float]]:
        inputs = processor(images=image, return_tensors="pt").to(device)
        features = self.model.get_image_features(**inputs)
        return {"image": features[0].cpu().tolist()}

    @on_gpu(duration=20)
    def caption(self, image) -> str:
        inputs = processor(images=image, return_tensors="pt").to(device)
        ids = self.model.generate(**inputs, max_new_tokens=30)
        return processor.batch_decode(ids, skip_special_tokens=True)[0]


lab = Lab()


@quick
def match(text: str, image) -> float:
    inputs = processor(text=[text], images=image, return_tensors="pt").to(device)
    return scale(clip(**inputs).logits_per_image).item()


with gr.Blocks() as demo:
    text = gr.Textbox()
    image = gr.Image(type="pil")
    out = gr.JSON()
    gr.Button("Text").click(lab.embed_text, text, out)
    gr.Button("Image").click(lab.embed_image, image, out)
    gr.Button("Caption").click(lab.caption, image, out)
    gr.Button("Match").click(lambda t, i: match(t, i), [text, image], out)

demo.launch()
