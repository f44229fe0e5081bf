"""Image classification: preview on upload (CPU), classify on the button (GPU)."""

import logging

import gradio as gr
import spaces
import torch
from tools.labels import top_labels
from tools.preprocess import square
from transformers import AutoImageProcessor, AutoModelForImageClassification

logger = logging.getLogger(__name__)
if torch.cuda.is_available():
    device = "cuda"
    dtype = torch.bfloat16
elif torch.backends.mps.is_available():
    device = "mps"
    dtype = torch.float16
else:
    device = "cpu"
    dtype = torch.float32
print("CUDA available:", torch.cuda.is_available())
logger.info("CUDA: %s", torch.cuda.is_available())
processor = AutoImageProcessor.from_pretrained("org/vit")
model = AutoModelForImageClassification.from_pretrained(
    "org/vit", attn_implementation="sdpa", torch_dtype=dtype
).to(device)


@spaces.GPU(duration=1500)
def compile_model():
    with spaces.aoti_capture(model) as call:
        model(pixel_values=torch.zeros(1, 3, 224, 224, device=device, dtype=dtype))
    exported = torch.export.export(model, args=call.args, kwargs=call.kwargs)
    return spaces.aoti_compile(exported)


spaces.aoti_apply(compile_model(), model)


@spaces.GPU(duration=20)
def classify(image) -> dict[str, float]:
    inputs = processor(images=square(image), return_tensors="pt").to(device)
    with torch.no_grad():
        logits = model(**inputs).logits
    return top_labels(logits.softmax(-1)[0].cpu(), model.config.id2label)


with gr.Blocks() as demo:
    image = gr.Image(type="pil")
    preview = gr.Image(type="pil")
    label = gr.Label()
    run = gr.Button("Classify")
    image.upload(square, image, preview)
    run.click(classify, image, label)
    gr.Examples([["cat.png"]], image, label, fn=classify, cache_examples=True, cache_mode="lazy")

demo.launch()
