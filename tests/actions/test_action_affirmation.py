"""action_default_ask_affirmation: "Menade du: ”…”?" with Swedish labels and "Nej, något annat"."""

import pytest
from trackers import run, tracker  # noqa: F401  (pytest fixtures)

from actions.affirmation import ActionDefaultAskAffirmation

pytestmark = pytest.mark.asyncio
ACTION = ActionDefaultAskAffirmation()
NO = {"title": "Nej, något annat", "payload": "/out_of_scope"}


async def test_name():
    assert ACTION.name() == "action_default_ask_affirmation"


async def test_top_intent_label(run, tracker):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "find_kast", "confidence": 0.4},
        {"name": "greet", "confidence": 0.05},
    ]
    result = await run(ACTION, tracker("kast??", "nlu_fallback", intent_ranking=ranking))
    assert result.texts == ["Menade du: ”Hitta en KAST-mottagning”?"]
    assert result.buttons == [{"title": "Hitta en KAST-mottagning", "payload": "/find_kast"}, NO]


async def test_runner_up_when_close(run, tracker):
    ranking = [{"name": "want_to_stop_buying", "confidence": 0.4}, {"name": "find_kast", "confidence": 0.3}]
    result = await run(ACTION, tracker("x", "want_to_stop_buying", intent_ranking=ranking))
    assert [b["payload"] for b in result.buttons] == ["/want_to_stop_buying", "/find_kast", "/out_of_scope"]


async def test_faq_uses_response_selector(run, tracker):
    ranking = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "faq", "confidence": 0.3}]
    selector = {
        "faq": {
            "ranking": [{"intent_response_key": "faq/law", "confidence": 0.8}],
            "response": {"intent_response_key": "faq/law"},
        }
    }
    result = await run(ACTION, tracker("lagen?", "nlu_fallback", intent_ranking=ranking, response_selector=selector))
    assert result.texts == ["Menade du: ”Vad säger sexköpslagen?”"]
    assert result.buttons[0] == {"title": "Vad säger sexköpslagen?", "payload": "/faq/law"}
    assert result.buttons[-1] == NO


async def test_only_fallback_still_offers_a_way_out(run, tracker):
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "out_of_scope", "confidence": 0.1}]
    result = await run(ACTION, tracker("asdf", "nlu_fallback", intent_ranking=ranking))
    assert result.texts and result.buttons == [NO]


async def test_ask_rephrase_is_swedish_with_topic_buttons(run, tracker):
    from actions.affirmation import ActionDefaultAskRephrase

    action = ActionDefaultAskRephrase()
    assert action.name() == "action_default_ask_rephrase"
    result = await run(action, tracker("blä", "out_of_scope"))
    assert result.texts and "annat sätt" in result.texts[0]
    assert {"title": "Vad kan du svara på?", "payload": "/help"} in result.buttons
