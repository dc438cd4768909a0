"""Skip RulePolicy's search for end-to-end rules when the model has none that could match.

After every user message Rasa 3.6's RulePolicy searches its rules twice: first with the message's
text in place of its intent (for end-to-end rules, written with `user: <text>`), then with the
intent. Each search first works out the states of the whole conversation (profiled under load:
RulePolicy was about a fifth of Rasa's CPU time per message). This assistant's rules are all
intent-based, so the text search never finds anything.

`install()` makes the text search return "no rule" at once when no rule of the trained model could
match a text state – no rule mentions a text, and every rule's last state has a user part, which
then holds an intent that a text state lacks – and no form is active (the search can then also
report returning from a form's unhappy path). In every other case, and for the intent search,
Rasa's search runs unchanged. Rasa ignores the prediction source of a text search that found
nothing, so the predictions are the same (tested with the trained model).
"""
import json
from typing import Any, Optional, Text, Tuple

from bot.patching import patch_once

_MARK = "_bot_fast_rules"
_FLAG = "_bot_text_rules_possible"


def text_rules_possible(rule_keys: Any) -> bool:
    """Whether any of RulePolicy's rule keys (JSON lists of states) could match a state whose user
    part is a text instead of an intent."""
    for key in rule_keys:
        states = json.loads(key)
        if not states or "user" not in states[-1]:
            return True
        if any("text" in (state.get("user") or {}) for state in states):
            return True
    return False


def install() -> None:
    """Patch `RulePolicy._find_action_from_rules` (idempotent)."""
    from rasa.core.policies.rule_policy import RULES, RulePolicy

    def make(original):
        def _find_action_from_rules(self, tracker, domain, use_text_for_last_user_input: bool
                                    ) -> Tuple[Optional[Text], Optional[Text], bool]:
            if use_text_for_last_user_input and tracker.active_loop_name is None:
                possible = self.__dict__.get(_FLAG)
                if possible is None:
                    possible = self.__dict__[_FLAG] = text_rules_possible(self.lookup.get(RULES, {}))
                if not possible:
                    return None, None, False
            return original(self, tracker, domain, use_text_for_last_user_input)

        return _find_action_from_rules

    patch_once(RulePolicy, "_find_action_from_rules", _MARK, make)
