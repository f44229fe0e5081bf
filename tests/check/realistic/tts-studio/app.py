"""Text to speech with a voice library: handlers defined inside the Blocks."""

import functools
import os
import shutil
from pathlib import Path

import gradio as gr
import soundfile as sf
import spaces
import torch
from voice import Narrator

OUTPUT_DIR = "outputs"
LATEST = Path(OUTPUT_DIR) / "latest"
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
narrator = Narrator(device)
history = []


@spaces.GPU(duration=40)
def speak(text: str, speed: float) -> str:
    wave, rate = narrator.render(text, speed)
    out = "./result.wav"
    sf.write(out, wave, rate)  # expect: ZG502
    history.append(text)  # expect: ZG501
    return out


def keep_latest(path: str) -> str:
    shutil.copy2(path, LATEST)  # expect: ZG502
    return path


with gr.Blocks() as demo:
    text = gr.Textbox(label="Text")
    speed = gr.Slider(0.5, 2.0, value=1.0, label="Speed")
    audio = gr.Audio(type="filepath")
    kept = gr.Audio(type="filepath")

    @spaces.GPU(duration=30)
    def clone(sample: str, line: str) -> str:
        narrator.save_take(line, sample)
        target = os.path.join(OUTPUT_DIR, f"{'clone'}.wav")
        narrator.model.tts_to_file(line, file_path=target)  # expect: ZG502
        return target

    sample = gr.Audio(type="filepath", label="Voice sample")
    gr.Button("Speak").click(speak, [text, speed], audio).then(keep_latest, audio, kept)
    gr.Button("Clone").click(functools.partial(clone), [sample, text], audio)

if __name__ == "__main__":
    demo.launch()
