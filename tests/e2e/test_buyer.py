"""The buyer's conversation end to end through the REST channel (live Rasa and action server).

The flows of the campaign: a reason ("hon gör det frivilligt") → one fact and a KAST offer → "ja" →
the place → the reception (or the honest "no KAST here"); caught → what happens → will it show;
seeking to buy → the law → "jag vill sluta" → referral; "jag tänker inte sluta" → a calm answer.
The phrasings are the issue's own reports of what went wrong, not training or held-out sentences.
"""

import uuid

from bot.domain import contract

CRISIS_NUMBER = "90101"


def _sender() -> str:
    return uuid.uuid4().hex


def test_reason_then_kast_offer_then_place_then_reception(rest):
    sender = _sender()
    answer = rest.text("hon gör det ju frivilligt, vad är problemet", sender)
    assert not contract.missing_facts("myth/voluntary", answer), answer
    assert "Vill du veta var KAST finns?" in answer
    assert CRISIS_NUMBER not in answer
    question = rest.text("ja", sender)
    assert "kommun" in question and "KAST" in question, question
    reception = rest.text("umeå", sender)
    assert "KAST Umeå" in reception, reception


def test_reason_then_place_without_kast_gets_the_honest_answer(rest):
    sender = _sender()
    rest.text("alla killar gör det på svensexor", sender)
    assert "kommun" in rest.text("ja", sender)
    answer = rest.text("visby", sender)
    assert "ingen KAST-mottagning" in answer and "socialtjänsten" in answer.lower(), answer


def test_a_kind_buyer_is_not_given_the_crisis_answer(rest):
    answer = rest.text("jag betalar alltid bra och är schysst, skadar ingen", _sender())
    assert CRISIS_NUMBER not in answer, answer
    assert "KAST" in answer


def test_everyone_does_it_gets_the_nine_in_ten_fact(rest):
    answer = rest.text("alla killar gör det på svensexor", _sender())
    assert not contract.missing_facts("myth/everyone", answer), answer
    assert "Vad vill du veta mer om?" not in answer


def test_caught_then_what_happens_then_will_it_show(rest):
    sender = _sender()
    caught = rest.text("jag blev tagen av polisen för sexköp igår vad händer nu", sender)
    assert not contract.missing_facts("faq/caught", caught), caught
    assert "Syns det någonstans?" in caught  # the button that leads on
    shows = rest.text("/faq/caught_records", sender)
    assert not contract.missing_facts("faq/caught_records", shows), shows
    wife = rest.text("kommer min fru få veta om jag blir dömd", sender)
    assert not contract.missing_facts("faq/caught_records", wife), wife
    assert not wife.startswith(("Ja", "Nej", "Ofta, ja"))


def test_seeking_then_law_then_wanting_to_stop_gets_a_referral(rest):
    sender = _sender()
    seeking = rest.text("var hittar man en escort i stockholm", sender)
    assert not contract.missing_facts("seeking_to_buy", seeking), seeking
    law = rest.text("/faq/law", sender)
    assert "1999" in law
    referral = rest.text("jag vill sluta", sender)
    assert "KAST" in referral and "Stockholm" in referral, referral


def test_not_ready_to_stop_gets_a_calm_answer_that_is_no_repeat(rest):
    sender = _sender()
    first = rest.text("hon gör det ju frivilligt, vad är problemet", sender)
    declined = rest.text("nej", sender)
    assert declined != first and "KAST" in declined and "tjata" in declined, declined
    again = rest.text("jag tänker inte sluta", sender)
    assert "KAST" in again and again != first


def test_an_unanswerable_question_gets_no_nearest_topic(rest):
    answer = rest.text("hur många sexköp anmäldes i sverige förra året", _sender())
    assert answer.startswith("Det har jag inget säkert svar på"), answer


def test_recorded_material_is_not_answered_with_a_bare_yes(rest):
    answer = rest.text("är det olagligt att köpa nakenbilder på onlyfans", _sender())
    assert not answer.startswith(("Ja", "Nej")), answer
    assert "inspelat" in answer or "inspelade" in answer, answer
