"""A captioner loaded on first use and kept in a module-level holder."""

from transformers import pipeline

HOLDER = {"captioner": None}


def captioner():
    if HOLDER["captioner"] is not None:
        return HOLDER["captioner"]
    HOLDER["captioner"] = pipeline("image-to-text", model="org/blip")  # expect: ZG203
    return HOLDER["captioner"]
