"""bot.privacy.event_masking: the values of an event masked, plain Python (no Rasa)."""

from __future__ import annotations

from bot.privacy.event_masking import mask_bot_text, mask_entity, mask_parse_data, mask_text, mask_value


def test_mask_text_masks_strings_only():
    assert mask_text("ring 070-123 45 67") == "ring [telefon]"
    assert mask_text(None) is None and mask_text(7) == 7


def test_mask_value_walks_lists_tuples_and_dicts():
    value = {"a": ["070-123 45 67", ("anna.svensson@example.se", 3)], "b": {"c": "hej"}, "n": 1.5}
    assert mask_value(value) == {"a": ["[telefon]", ("[e-post]", 3)], "b": {"c": "hej"}, "n": 1.5}
    assert mask_value(True) is True


def test_mask_entity_masks_value_and_text_in_a_copy():
    entity = {"entity": "location", "value": "Storgatan 12", "text": "Storgatan 12", "start": 0}
    masked = mask_entity(entity)
    assert masked == {"entity": "location", "value": "[adress]", "text": "[adress]", "start": 0}
    assert entity["value"] == "Storgatan 12", "the original is left as it was"
    assert mask_entity("not a dict") == "not a dict"


def test_mask_parse_data_masks_text_entities_and_metadata():
    parse = {
        "text": "mejla anna.svensson@example.se",
        "intent": {"name": "faq"},
        "entities": [{"value": "070-123 45 67"}],
        "metadata": {"note": "från 192.168.10.23"},
    }
    masked = mask_parse_data(parse)
    assert masked["text"] == "mejla [e-post]" and masked["intent"] == {"name": "faq"}
    assert masked["entities"] == [{"value": "[telefon]"}] and masked["metadata"] == {"note": "från [ip]"}
    assert parse["text"] == "mejla anna.svensson@example.se"
    assert mask_parse_data(None) is None
    assert mask_parse_data({"text": None, "metadata": {}}) == {"text": None, "metadata": {}}


def test_a_bot_text_is_masked_like_any_text_and_only_clean_ones_are_remembered():
    from bot.privacy import event_masking

    event_masking._clean_bot_texts.clear()
    answer = "KAST har tystnadsplikt. Vill du veta var KAST finns?"
    quoting = "Du skrev 070-123 45 67, menade du det?"
    assert mask_bot_text(answer) == answer == mask_text(answer)
    assert mask_bot_text(quoting) == mask_text(quoting) == "Du skrev [telefon], menade du det?"
    assert mask_bot_text(quoting) == "Du skrev [telefon], menade du det?", "asked again: still masked"
    assert list(event_masking._clean_bot_texts) == [answer], "a text with personal data is never remembered"
    assert mask_bot_text(None) is None


def test_the_remembered_bot_texts_are_bounded(monkeypatch):
    from bot.privacy import event_masking

    monkeypatch.setattr(event_masking, "CLEAN_BOT_TEXTS_MAX", 3)
    event_masking._clean_bot_texts.clear()
    for i in range(5):
        mask_bot_text(f"svar nummer {'ett två tre fyra fem'.split()[i]}")
    assert list(event_masking._clean_bot_texts) == ["svar nummer tre", "svar nummer fyra", "svar nummer fem"]


def test_the_message_text_masked_already_is_not_masked_again(monkeypatch):
    from bot.privacy import event_masking

    calls = []
    monkeypatch.setattr(event_masking, "mask", lambda s: calls.append(s) or s.upper())
    parse = {"text": "ring 070", "metadata": {}}
    assert mask_parse_data(parse, text=("ring 070", "ring [telefon]"))["text"] == "ring [telefon]"
    assert calls == []
    assert mask_parse_data(parse, text=("något annat", "x"))["text"] == "RING 070", "another text is masked"
