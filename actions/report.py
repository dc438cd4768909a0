"""`action_report_suspicion`: how to tip about trafficking or a sex purchase.

Always 114 14 and 112 (112 first when the message sounds acute); ECPAT Hotline when a child is
involved; the agency's line for professionals when the user meets this at work. Reads the latest text.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, send
from bot.domain import referral
from bot.domain import situation as cues


class ActionReportSuspicion(Action):
    def name(self) -> Text:
        return "action_report_suspicion"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = latest_text(tracker)
        send(
            dispatcher,
            referral.report(child=cues.involves_child(text), acute=cues.is_acute(text), at_work=cues.at_work(text)),
        )
        return []
