"""Vocabularies for the tiny models' tokenizers, made locally (no Hub access).

Each is a byte-level BPE vocabulary, the kind Qwen2, Whisper and CLIP use:
every byte is a token, so any text encodes, and a set of whole words (with
their leading space) makes decoded replies read as words. No merges are
needed: the models are random, so what matters is that every id decodes.
"""


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character table (what byte-level BPE vocabularies use)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    table, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            table[byte] = chr(byte)
        else:
            table[byte] = chr(256 + extra)
            extra += 1
    return table


WORDS = [
    "the",
    "a",
    "an",
    "gpu",
    "cpu",
    "space",
    "model",
    "token",
    "chat",
    "image",
    "sound",
    "text",
    "fox",
    "robot",
    "clock",
    "lighthouse",
    "dawn",
    "snow",
    "forest",
    "tiny",
    "borrowed",
    "hardware",
    "haiku",
    "explain",
    "two",
    "sentences",
    "what",
    "does",
    "write",
    "about",
    "in",
    "on",
    "of",
    "and",
    "to",
    "is",
    "it",
    "this",
    "that",
    "with",
    "for",
    "from",
    "by",
    "at",
    "as",
    "be",
    "are",
    "was",
    "were",
]


def byte_level_vocab(specials: list[str], extra_words: int = 0, suffix: str = "") -> dict[str, int]:
    """specials first, then WORDS and `extra_words` fillers (as " word"), then every byte.

    `suffix` (CLIP's "</w>") adds an end-of-word form of every byte and word."""
    space = bytes_to_unicode()[ord(" ")]
    vocab = {token: index for index, token in enumerate(specials)}
    for word in [*WORDS, *(f"w{n}" for n in range(extra_words))]:
        vocab.setdefault((word if suffix else space + word) + suffix, len(vocab))
    for char in bytes_to_unicode().values():
        vocab.setdefault(char, len(vocab))
        if suffix:
            vocab.setdefault(char + suffix, len(vocab))
    return vocab
