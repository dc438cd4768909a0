"""Swedish texts the web front answers with itself (when it does not pass the message to Rasa).

Every text that is shown when the assistant cannot answer carries the national lines, so that no one
in danger is left without a number: 112 and a line that answers now, Kvinnofridslinjen (FACTS.md:
24/7, free, anonymous; for people exposed to violence and their relatives). The safety answers
(crisis, danger, child at risk) are not here: they are read from domain.yml (`bot.domain.safety.answers`).
"""

SAFETY_LINES = (
    "Är du eller någon annan i akut fara: ring 112. "
    "Kvinnofridslinjen 020-50 50 50 svarar dygnet runt, gratis och anonymt, "
    "för dig som utsatts för våld och för närstående."
)

BUSY = "Chatten har många samtal just nu och hinner inte svara. Försök igen om en liten stund. " + SAFETY_LINES

UNAVAILABLE = "Chatten fungerar inte just nu. Försök igen senare. " + SAFETY_LINES

RATE_LIMITED = (
    "Vänta lite – du har skickat många meddelanden på kort tid. Försök igen om en liten stund. " + SAFETY_LINES
)


def too_long_note(max_chars: int) -> str:
    """Says that a message was too long (the number written the Swedish way, 1 000)."""
    limit = f"{max_chars:,}".replace(",", "\u00a0")
    return f"Ditt meddelande är för långt. Skriv högst {limit} tecken, gärna en kort fråga i taget."


def too_long(max_chars: int) -> str:
    """Reply to a message longer than the cap that holds no safety signal."""
    return too_long_note(max_chars) + " " + SAFETY_LINES


EMPTY = "Skriv din fråga i rutan, så svarar jag så gott jag kan. " + SAFETY_LINES

BAD_REQUEST = "Meddelandet kunde inte skickas. Ladda om sidan och försök igen. " + SAFETY_LINES

SERVER_ERROR = "Något gick fel. Försök igen om en stund. " + SAFETY_LINES

CONVERSATION_EXPIRED = (
    "Samtalet har gått ut eller raderats och finns inte kvar. Ett nytt samtal börjar när du skriver igen. "
    + SAFETY_LINES
)

TOO_MANY_NEW = (
    "Vänta lite – många nya samtal har startats härifrån på kort tid. Försök igen om en liten stund. " + SAFETY_LINES
)
