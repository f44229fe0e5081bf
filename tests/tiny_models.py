"""Tiny random models for each task's generated app, built from configs (no Hub access).

`build(task, dest)` saves a model (and its tokenizer or processor) under `dest` and
returns the environment variables that point the generated app.py at it
(`MODEL_ID`, and `ADAPTER_ID` for chat-lora). Weights are random: the apps' outputs
are checked for type and shape, never for meaning. Everything here is a few
hundred thousand parameters at most, so a CPU builds and runs it in seconds.
"""

import json
import string
from collections.abc import Callable
from pathlib import Path

WORDS = [
    "a",
    "the",
    "is",
    "are",
    "what",
    "how",
    "many",
    "of",
    "in",
    "on",
    "to",
    "and",
    "image",
    "cat",
    "dog",
    "car",
    "gpu",
    "zero",
    "lends",
    "this",
    "space",
    "only",
    "while",
    "it",
    "runs",
    "fox",
    "snow",
    "robot",
    "clock",
    "match",
    "went",
    "penalties",
    "telescope",
]
CHAT_SPECIALS = ["<pad>", "<unk>", "</s>"]


def seeded() -> None:
    import torch

    torch.manual_seed(0)


def bert_tokenizer(dest: Path):
    """A WordPiece tokenizer over a small vocabulary (BERT-style specials)."""
    from transformers import BertTokenizer

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = [*specials, *string.ascii_lowercase, *string.digits, *string.punctuation, *WORDS]
    pieces += [f"##{c}" for c in string.ascii_lowercase + string.digits]
    vocab = {piece: index for index, piece in enumerate(dict.fromkeys(pieces))}
    tokenizer = BertTokenizer(vocab=vocab)
    tokenizer.save_pretrained(dest)
    return tokenizer


def word_tokenizer(dest: Path):
    """A word-level fast tokenizer without a chat template (like OPT's)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    pieces = [
        *CHAT_SPECIALS,
        *string.ascii_letters,
        *string.punctuation,
        *WORDS,
        "User",
        "Assistant",
    ]
    vocab = {piece: index for index, piece in enumerate(dict.fromkeys(pieces))}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", unk_token="<unk>", eos_token="</s>"
    )
    tokenizer.save_pretrained(dest)
    return tokenizer


def image_to_image(dest: Path) -> dict[str, str]:
    from e2e.tasks import load

    load("image-to-image").build_model(dest, "tiny")
    return {"MODEL_ID": str(dest)}


def text_to_speech(dest: Path) -> dict[str, str]:
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    chars = ["<pad>", "<unk>", " ", *string.ascii_lowercase, *".,!?'"]
    vocab_file = dest / "vocab.json"
    dest.mkdir(parents=True, exist_ok=True)
    vocab_file.write_text(json.dumps({c: i for i, c in enumerate(chars)}))
    tokenizer = VitsTokenizer(vocab_file=str(vocab_file), add_blank=True, phonemize=False)
    tokenizer.save_pretrained(dest)
    seeded()
    config = VitsConfig(
        vocab_size=len(chars),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        ffn_dim=16,
        flow_size=8,
        spectrogram_bins=9,
        upsample_initial_channel=16,
        upsample_rates=[4, 4],
        upsample_kernel_sizes=[8, 8],
        resblock_kernel_sizes=[3],
        resblock_dilation_sizes=[[1, 3]],
        prior_encoder_num_flows=1,
        prior_encoder_num_wavenet_layers=1,
        posterior_encoder_num_wavenet_layers=1,
        duration_predictor_num_flows=1,
        duration_predictor_filter_channels=16,
        depth_separable_num_layers=1,
        sampling_rate=16_000,
    )
    VitsModel(config).save_pretrained(dest)
    return {"MODEL_ID": str(dest)}


def audio_classification(dest: Path) -> dict[str, str]:
    from transformers import ASTConfig, ASTFeatureExtractor, ASTForAudioClassification

    ASTFeatureExtractor(num_mel_bins=16, max_length=32).save_pretrained(dest)
    seeded()
    config = ASTConfig(
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        patch_size=8,
        frequency_stride=8,
        time_stride=8,
        num_mel_bins=16,
        max_length=32,
        id2label={0: "speech", 1: "music", 2: "dog"},
        label2id={"speech": 0, "music": 1, "dog": 2},
    )
    ASTForAudioClassification(config).save_pretrained(dest)
    return {"MODEL_ID": str(dest)}


def text_to_video(dest: Path) -> dict[str, str]:
    from e2e.tasks import load

    load("text-to-video").build_model(dest, "tiny")
    return {"MODEL_ID": str(dest)}


def bert_model_config(tokenizer, **extra):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
        **extra,
    )


def feature_extraction(dest: Path) -> dict[str, str]:
    from transformers import BertModel

    tokenizer = bert_tokenizer(dest)
    seeded()
    BertModel(bert_model_config(tokenizer)).save_pretrained(dest)
    return {"MODEL_ID": str(dest)}


def zero_shot_classification(dest: Path) -> dict[str, str]:
    from transformers import BertForSequenceClassification

    # The pipeline finds the entailment class by its label, whatever the architecture.
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    tokenizer = bert_tokenizer(dest)
    seeded()
    config = bert_model_config(
        tokenizer, id2label=labels, label2id={v: k for k, v in labels.items()}
    )
    BertForSequenceClassification(config).save_pretrained(dest)
    return {"MODEL_ID": str(dest)}


def chat_lora(dest: Path) -> dict[str, str]:
    """A tiny OPT base (no chat template) and a LoRA adapter with non-zero weights."""
    from peft import LoraConfig, get_peft_model
    from transformers import GenerationConfig, OPTConfig, OPTForCausalLM

    base_dir, adapter_dir = dest / "base", dest / "adapter"
    tokenizer = word_tokenizer(base_dir)
    seeded()
    config = OPTConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        word_embed_proj_dim=16,
        ffn_dim=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    OPTForCausalLM(config).save_pretrained(base_dir)
    # A random model may pick the end token at once; ask for a few tokens first.
    GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, min_new_tokens=4
    ).save_pretrained(base_dir)
    base = OPTForCausalLM.from_pretrained(base_dir)
    lora = LoraConfig(
        r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False
    )
    get_peft_model(base, lora).save_pretrained(adapter_dir)
    return {"MODEL_ID": str(base_dir), "ADAPTER_ID": str(adapter_dir)}


BUILDERS: dict[str, Callable[[Path], dict[str, str]]] = {
    "image-to-image": image_to_image,
    "text-to-speech": text_to_speech,
    "audio-classification": audio_classification,
    "text-to-video": text_to_video,
    "feature-extraction": feature_extraction,
    "chat-lora": chat_lora,
    "zero-shot-classification": zero_shot_classification,
}


def build(task: str, dest: Path) -> dict[str, str]:
    """Save a tiny model for `task` under `dest`; return the app's environment overrides."""
    dest.mkdir(parents=True, exist_ok=True)
    return BUILDERS[task](dest)
