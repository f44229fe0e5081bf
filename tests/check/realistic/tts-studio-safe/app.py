"""Text to speech with a voice library: every output goes to its own file."""

import functools
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import gradio as gr
import soundfile as sf
import spaces
import torch
from voice import Narrator

OUTPUT_DIR = Path(tempfile.mkdtemp())
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
narrator = Narrator(device)
print(f"results go to {OUTPUT_DIR}")
sf.write(OUTPUT_DIR / "silence.wav", [0.0] * 160, 16_000)  # once, at start-up


@spaces.GPU(duration=40)
def speak(text: str, speed: float, history: list[str]) -> tuple[str, list[str]]:
    wave, rate = narrator.render(text, speed)
    out = f"{OUTPUT_DIR}/{uuid.uuid4().hex}.wav"
    sf.write(out, wave, rate)
    return out, [*history, text]


def keep_latest(path: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as handle:
        kept = handle.name
    shutil.copy2(path, kept)
    return kept


with gr.Blocks() as demo:
    text = gr.Textbox(label="Text")
    speed = gr.Slider(0.5, 2.0, value=1.0, label="Speed")
    history = gr.State([])
    audio = gr.Audio(type="filepath")
    kept = gr.Audio(type="filepath")

    @spaces.GPU(duration=30)
    def clone(sample: str, line: str) -> str:
        folder = tempfile.mkdtemp()
        narrator.save_take(line, folder)
        target = os.path.join(folder, "clone.wav")
        narrator.model.tts_to_file(line, file_path=target)
        return target

    sample = gr.Audio(type="filepath", label="Voice sample")
    gr.Button("Speak").click(speak, [text, speed, history], [audio, history]).then(
        keep_latest, audio, kept
    )
    gr.Button("Clone").click(functools.partial(clone), [sample, text], audio)

if __name__ == "__main__":
    demo.launch()
