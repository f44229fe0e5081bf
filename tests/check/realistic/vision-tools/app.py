"""Image classification: classify on upload and on the button."""
# ruff: noqa: I001  (this Space imports torch before spaces, as many do)

import logging

import torch
import spaces  # expect: ZG210
import gradio as gr
from tools.labels import top_labels
from tools.preprocess import square  # expect: ZG902
from transformers import AutoImageProcessor, AutoModelForImageClassification

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
BATCH = 16 if torch.cuda.is_available() else 1  # expect: ZG206
logging.info("batch size %d", BATCH)
processor = AutoImageProcessor.from_pretrained("org/vit")
model = AutoModelForImageClassification.from_pretrained(
    "org/vit",
    attn_implementation="flash_attention_3",  # expect: ZG209
).to(device)


@spaces.GPU(duration=20)
def classify(image) -> dict[str, float]:
    inputs = processor(images=square(image), return_tensors="pt").to(device)
    with torch.no_grad():
        logits = model(**inputs).logits
    return top_labels(logits.softmax(-1)[0].cpu(), model.config.id2label)


with gr.Blocks() as demo:
    image = gr.Image(type="pil")
    label = gr.Label()
    run = gr.Button("Classify")
    image.upload(classify, image, label)  # expect: ZG602
    run.click(classify, image, label)
    gr.Examples(
        [["cat.png"]],
        image,
        label,
        fn=classify,
        cache_examples="lazy",  # expect: ZG703
    )

demo.launch(show_api=False)  # expect: ZG703
