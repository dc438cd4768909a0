"""The two-stage fallback in Swedish: "Menade du: «…»?" and "Kan du skriva det på ett annat sätt?".

`action_default_ask_affirmation` and `action_default_ask_rephrase` replace Rasa's English defaults.

Candidates: the top intent of the latest message's intent_ranking (nlu_fallback and out_of_scope
skipped; the runner-up too when it is at least half as confident). For `faq` the topic comes from
the response selector ("faq/law"). Labels: content/topics.yml. Last button: "Nej, något annat".
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send
from bot import referral

SKIP = ("nlu_fallback", "out_of_scope")


def _faq_topic(latest_message: Dict[Text, Any]) -> Optional[str]:
    selector = (latest_message.get("response_selector") or {}).get("faq") or {}
    ranking = selector.get("ranking") or [selector.get("response") or {}]
    return ranking[0].get("intent_response_key") if ranking else None


def candidates(latest_message: Dict[Text, Any], limit: int = 2) -> List[str]:
    """Intent names to offer, best first ("faq/law" for the faq retrieval intent)."""
    found: List[str] = []
    top_confidence = None
    for item in latest_message.get("intent_ranking") or []:
        name, confidence = item.get("name"), item.get("confidence", 0.0)
        if not name or name in SKIP:
            continue
        if top_confidence is not None and confidence < top_confidence / 2:
            break
        top_confidence = confidence if top_confidence is None else top_confidence
        name = (_faq_topic(latest_message) or name) if name == "faq" else name
        if name not in found:
            found.append(name)
        if len(found) == limit:
            break
    return found


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        send(dispatcher, referral.affirmation(candidates(tracker.latest_message)))
        return []


class ActionDefaultAskRephrase(Action):
    def name(self) -> Text:
        return "action_default_ask_rephrase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        send(dispatcher, referral.ask_rephrase())
        return []
