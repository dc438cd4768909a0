"""Skip RulePolicy's search for end-to-end rules when the model has none that could match.

After every user message Rasa 3.6's RulePolicy searches its rules twice: first with the message's
text in place of its intent (for end-to-end rules, written with `user: <text>`), then with the
intent. Each search first works out the states of the whole conversation (profiled under load:
RulePolicy was about a fifth of Rasa's CPU time per message). This assistant's rules are all
intent-based, so the text search never finds anything.

`bot.rasa_plugins.policies.RulePolicy` makes the text search return "no rule" at once when no rule of the trained model could
answer a text state differently from its intent – no rule mentions a text, and every rule's last
state has a user part, which then holds an intent that a text state lacks, or is the step after a
bot action where all rules agree (`text_rules_possible`) – and no form is active (the search can then also
report returning from a form's unhappy path). In every other case, and for the intent search,
Rasa's search runs unchanged. Rasa ignores the prediction source of a text search that found
nothing, so the predictions are the same (tested with the trained model).
"""

import json
from collections import defaultdict
from typing import Any, Mapping


def text_rules_possible(rules: Any) -> bool:
    """Whether any of RulePolicy's rules (a mapping of rule key – a JSON list of states – to the
    predicted action, or just the keys) could give a text state another answer than its intent.

    A rule that mentions a text could. So could a key whose last state has no user part (it matches
    a text state as well as an intent state) – unless it is a rule that starts with a bot action
    ("utter_myth" → the user answers …): after that action it predicts what every other rule predicts
    after the same action, so a text search finding it gives the same action as the intent search.
    """
    items = rules.items() if isinstance(rules, Mapping) else ((key, None) for key in rules)
    blind, predicted = set(), defaultdict(set)
    for key, action in items:
        states = json.loads(key)
        if not states or any("text" in (state.get("user") or {}) for state in states):
            return True
        prev_action = (states[-1].get("prev_action") or {}).get("action_name")
        if "user" not in states[-1]:
            if action is None or prev_action in (None, "action_listen"):
                return True
            blind.add(prev_action)
        predicted[prev_action].add(action)
    return any(len(predicted[prev_action]) > 1 for prev_action in blind)
