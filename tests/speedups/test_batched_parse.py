"""bot.speedups.batched_parse and bot.speedups.batch_predict (through the components of
bot.rasa_plugins): messages parsed together get the parses they get alone from Rasa's own code."""

import asyncio

import numpy as np
from rasa.core.channels.channel import UserMessage
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

from bot.speedups import batch_predict, batched_parse

from .helpers import close, components, featurized, holdout_texts, neural_component_names, select_everywhere


def _texts():
    # odd inputs in the same batch: empty, one character, very long, emoji, another language
    return holdout_texts(start=1, step=5) + ["", "?", "köpa sex " * 400, "🙂🙂", "what is the law on buying sex"]


def test_a_batch_gives_each_message_its_own_parse(parser, fast, rasa_code, batched_calls, monkeypatch):
    select_everywhere(parser, monkeypatch)  # Rasa's selector runs on every message
    processor = parser.agent.processor
    texts = _texts()
    assert len(texts) > 100
    batcher = batched_parse.batcher_for(processor)
    assert batcher is not None, "the NLU graph should not read the conversation"
    together = batcher.run_batch([(UserMessage(t, sender_id=f"s{i}"), None) for i, t in enumerate(texts)])
    for name in neural_component_names(parser):  # every neural model: the whole batch in one call
        assert (name, len(texts), True) in batched_calls, batched_calls
    rasa_code()
    alone = [parser.parse(t) for t in texts]
    for text, one, many in zip(texts, alone, together):
        processor._update_full_retrieval_intent(many)
        close(many, one, path=text[:40])


def test_concurrent_parses_are_batched_and_answered_in_order(parser, fast, rasa_code):
    processor = parser.agent.processor
    texts = holdout_texts(step=25)
    batcher = batched_parse.batcher_for(processor)
    batcher.batch_sizes.clear()

    async def everyone():
        return await asyncio.gather(
            *(processor.parse_message(UserMessage(t, sender_id=f"u{i}")) for i, t in enumerate(texts))
        )

    parses = asyncio.new_event_loop().run_until_complete(everyone())
    assert [p["text"] for p in parses] == texts
    assert max(batcher.batch_sizes) > 1, "concurrent messages were parsed one by one"
    assert sum(batcher.batch_sizes) == len(texts)
    rasa_code()
    alone = [parser.parse(t) for t in texts]
    assert [p["intent"]["name"] for p in parses] == [p["intent"]["name"] for p in alone]


def test_install_is_idempotent():
    from rasa.core.processor import MessageProcessor

    batched_parse.install()
    ours = MessageProcessor.parse_message
    batched_parse.install()
    assert MessageProcessor.parse_message is ours and ours._bot_original.__module__ == "rasa.core.processor"


def test_a_failing_batch_falls_back_to_one_by_one():
    calls = []

    def broken(items):
        raise RuntimeError("boom")

    def one(item):
        calls.append(item)
        if item == "bad":
            raise ValueError("bad message")
        return {"text": item}

    batcher = batched_parse.ParseBatcher(broken, one)

    async def both():
        return await asyncio.gather(batcher.parse("good"), batcher.parse("bad"), return_exceptions=True)

    good, bad = asyncio.new_event_loop().run_until_complete(both())
    assert good == {"text": "good"} and isinstance(bad, ValueError)
    assert calls == ["good", "bad"] and list(batcher.batch_sizes) == [2]


def test_batches_wait_while_growing_and_respect_the_limit():
    sizes = []
    batcher = batched_parse.ParseBatcher(
        lambda items: (sizes.append(len(items)), [{"n": i} for i in items])[1], lambda item: {"n": item}, max_batch=4
    )

    async def staggered():
        async def late(i):
            await asyncio.sleep(0)  # joins one turn of the loop later
            return await batcher.parse(i)

        return await asyncio.gather(*(batcher.parse(i) for i in range(3)), *(late(i) for i in range(3, 6)))

    results = asyncio.new_event_loop().run_until_complete(staggered())
    assert [r["n"] for r in results] == list(range(6))
    assert list(batcher.batch_sizes) == [4, 2], "late arrivals should join; a batch holds at most 4"
    assert sizes == [4, 2]


def test_split_outputs_needs_one_row_per_message():
    out = {"i_scores": np.arange(6.0).reshape(3, 2), "diagnostic_data": {"a": np.zeros((3, 1, 4))}}
    parts = batch_predict.split_outputs(out, 3)
    assert [p["i_scores"].tolist() for p in parts] == [[[0.0, 1.0]], [[2.0, 3.0]], [[4.0, 5.0]]]
    assert parts[2]["diagnostic_data"]["a"].shape == (1, 1, 4)
    assert batch_predict.split_outputs({"i_scores": np.zeros((2, 2))}, 3) is None
    assert batch_predict.split_outputs({"scalar": 1.0}, 2) is None
    second = batch_predict.split_outputs({"i_scores": np.eye(2), "diagnostic_data": {"w": None}}, 2)[1]
    assert second["i_scores"].tolist() == [[0.0, 1.0]] and second["diagnostic_data"] == {"w": None}


def test_count_features_of_many_messages_equal_those_of_one(parser):
    featurizers = components(parser, CountVectorsFeaturizer)
    assert len(featurizers) == 2
    tokens = [["vad", "ar", "kast"], [], ["kopa"], ["sex", "for", "pengar", "zzqx"]]
    for featurizer in featurizers:
        together = batch_predict.count_features(featurizer, "text", tokens)
        for i, one in enumerate(tokens):
            alone = featurizer._create_features("text", [one]) if one else ([None], [None])
            for kind in (0, 1):
                a, b = together[kind][i], alone[kind][0]
                assert (a is None) == (b is None)
                if a is not None:
                    assert a.shape == b.shape and (a.toarray() == b.toarray()).all()
                    assert a.row.tolist() == b.row.tolist() and a.col.tolist() == b.col.tolist()


def test_featurizers_give_a_batch_rasas_features(parser, fast, rasa_code):
    """Our CountVectorsFeaturizer on a batch (one `transform`) and Rasa's (message by message)."""
    texts = holdout_texts(step=40) + ["", "🙂"]
    ours = [[f.features for f in m.features] for m in featurized(parser, texts)]
    rasa_code()
    theirs = [[f.features for f in m.features] for m in featurized(parser, texts)]
    assert len(ours) == len(theirs) == len(texts)
    for mine, rasa in zip(ours, theirs):
        assert len(mine) == len(rasa)
        for a, b in zip(mine, rasa):
            assert a.shape == b.shape and a.dtype == b.dtype and (a != b).nnz == 0


def test_long_and_featureless_messages_are_predicted_alone(parser):
    """A batch is padded to its longest message: a very long one would make the whole batch slow."""
    diet = components(parser, DIETClassifier)[0]
    texts = ["vad är kast", "jag vill sluta " * (batch_predict.MAX_TOKENS // 3 + 5), "🙂", "tack", "är det olagligt"]
    messages = featurized(parser, texts)
    slices = batch_predict.batch_outputs(diet, messages)
    assert set(slices) == {id(messages[i]) for i in (0, 3, 4)}
