"""The two-stage fallback in Swedish: "Menade du: ”…”?" and "Kan du skriva det på ett annat sätt?".

`action_default_ask_affirmation` and `action_default_ask_rephrase` replace Rasa's English defaults.

Candidates: the top intent of the latest message's intent_ranking (nlu_fallback and out_of_scope
skipped; the runner-up too when it is at least half as confident). For a retrieval intent the topic
comes from the response selector ("faq/law", "myth/voluntary"). Labels: content/topics.yml. Last button: "Nej, något annat".
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send
from bot.domain import referral
from bot.domain.retrieval import RETRIEVAL_INTENTS, chosen_topic

SKIP = ("nlu_fallback", "out_of_scope")


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
        if name in RETRIEVAL_INTENTS:
            name = chosen_topic(latest_message, name) or name
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
