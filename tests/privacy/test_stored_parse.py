"""bot.privacy.stored_parse: the store keeps the chosen interpretation of a message, not the ranking."""

from __future__ import annotations

from bot.domain.retrieval import full_intent
from bot.privacy.stored_parse import stored_parse_data

PARSE = {
    "intent": {"name": "faq", "confidence": 0.91},
    "entities": [{"entity": "location", "value": "Umeå"}],
    "text": "finns kast i umea",
    "message_id": "m1",
    "metadata": {},
    "text_tokens": [[0, 5], [6, 10], [11, 12], [13, 17]],
    "intent_ranking": [{"name": "faq", "confidence": 0.91}, {"name": "find_kast", "confidence": 0.05}],
    "response_selector": {
        "all_retrieval_intents": ["faq", "myth"],
        "faq": {
            "response": {
                "responses": None,
                "confidence": 0.8,
                "intent_response_key": "faq/kast_what",
                "utter_action": "utter_faq/kast_what",
            },
            "ranking": [
                {"intent_response_key": "faq/kast_what", "confidence": 0.8},
                {"intent_response_key": "faq/kast_how", "confidence": 0.1},
            ],
        },
    },
}


def test_only_the_chosen_interpretation_is_kept():
    kept = stored_parse_data(PARSE)
    assert set(kept) == {"intent", "entities", "text", "message_id", "metadata", "response_selector"}
    assert kept["response_selector"] == {
        "all_retrieval_intents": ["faq", "myth"],
        "faq": {
            "response": {
                "confidence": 0.8,
                "intent_response_key": "faq/kast_what",
                "utter_action": "utter_faq/kast_what",
            }
        },
    }
    assert kept["intent"] == PARSE["intent"] and kept["entities"] == PARSE["entities"]
    assert "intent_ranking" in PARSE and "ranking" in PARSE["response_selector"]["faq"], "the original is unchanged"


def test_the_report_still_reads_the_full_intent_from_what_is_kept():
    assert full_intent(stored_parse_data(PARSE)) == full_intent(PARSE) == "faq/kast_what"
    myth = {
        "intent": {"name": "myth"},
        "response_selector": {"myth": {"response": {"intent_response_key": "myth/everyone"}}},
    }
    assert full_intent(stored_parse_data(myth)) == "myth/everyone"


def test_odd_parse_data_passes_through():
    assert stored_parse_data(None) is None
    assert stored_parse_data({}) == {}
    assert stored_parse_data({"response_selector": {"faq": "odd"}}) == {"response_selector": {"faq": "odd"}}
    assert stored_parse_data({"response_selector": {"faq": {}}}) == {"response_selector": {"faq": {}}}
