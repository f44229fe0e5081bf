"""A BERT WordPiece tokenizer made locally (no Hub access), for the BERT-family tasks."""

import string
from pathlib import Path

from ._tokens import WORDS

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Words the tests type, kept whole so token counts stay readable.
TEST_WORDS = ["cat", "dog", "match", "went", "penalties", "telescope", "zero", "lends", "only"]


def bert_tokenizer(dest: Path, vocab_size: int = 0, model_max_length: int = 512):
    """Specials, single characters, whole words, `##` suffixes, then fillers up to `vocab_size`."""
    from transformers import BertTokenizer

    pieces = [*SPECIALS, *string.ascii_lowercase, *string.digits, *string.punctuation]
    pieces += [*WORDS, *TEST_WORDS, *(f"##{c}" for c in string.ascii_lowercase + string.digits)]
    pieces = list(dict.fromkeys(pieces))
    pieces += [f"w{n}" for n in range(max(0, vocab_size - len(pieces)))]
    vocab = {piece: index for index, piece in enumerate(pieces)}
    tokenizer = BertTokenizer(vocab=vocab, model_max_length=model_max_length)
    tokenizer.save_pretrained(dest)
    return tokenizer
