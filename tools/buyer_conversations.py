"""Five conversations of the buyer's flows, run against a live assistant and printed as Markdown.

For content staff and reviewers: how the chat answers a man who buys sex, in the campaign's main
flows (a reason → KAST → place; caught → what happens → will it show; seeking → law → "jag vill
sluta"; "jag tänker inte sluta"; a question with no sure answer). Start the assistant first
(`make run`, or Rasa on RASA_URL with the action server), then:

    .venv/bin/python tools/buyer_conversations.py > docs/buyer-conversations.md

Talks to Rasa's REST channel on 127.0.0.1 only, each conversation with a fresh random sender.
"""

import json
import os
import sys
import urllib.request
import uuid

RASA_URL = os.environ.get("RASA_URL", "http://127.0.0.1:5005")

CONVERSATIONS = [
    ("Ett skäl, erbjudandet om KAST och en ort", ["hon gör det ju frivilligt, vad är problemet", "ja", "umeå"]),
    (
        "Åkt fast: vad händer, och syns det?",
        [
            "jag blev tagen av polisen för sexköp igår vad händer nu",
            "/faq/caught_records",
            "kommer min fru få veta om jag blir dömd",
        ],
    ),
    ("Vill köpa, lagen, vill sluta", ["var hittar man en escort i stockholm", "/faq/law", "jag vill sluta"]),
    ("Tänker inte sluta", ["jag betalar alltid bra och är schysst, skadar ingen", "nej", "jag tänker inte sluta"]),
    (
        "En fråga utan säkert svar, och ingen ort med KAST",
        ["hur många sexköp anmäldes förra året", "alla killar gör det på svensexor", "ja", "visby"],
    ),
]


def send(sender: str, message: str) -> list:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{RASA_URL}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def main() -> None:
    out = sys.stdout
    out.write(
        "# Köparens samtal – fem exempel\n\n"
        "Körda mot en levande assistent med `tools/buyer_conversations.py`. "
        "En rad som börjar med / är en knapp som användaren tryckte på.\n"
    )
    for title, messages in CONVERSATIONS:
        sender = uuid.uuid4().hex
        out.write(f"\n## {title}\n\n")
        for message in messages:
            out.write(f"**Användaren:** {message}\n\n")
            for reply in send(sender, message):
                if reply.get("text"):
                    out.write("**Chatten:** " + " ".join(reply["text"].split()) + "\n\n")
                buttons = [b.get("title", "") for b in reply.get("buttons") or []]
                if buttons:
                    out.write("*Knappar:* " + " · ".join(f"[{b}]" for b in buttons) + "\n\n")


if __name__ == "__main__":
    main()
