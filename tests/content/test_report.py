"""The staff report's conversation figures (anonymised, aggregated) and its HTML page; no training."""

import json

import pytest

from bot.tools.content import conversations, report

T0 = 1_790_000_000.0  # a Monday-ish timestamp; only the week matters


def _user(text, intent, ts, faq=None):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    if faq:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": faq}}}
    return {"event": "user", "text": text, "timestamp": ts, "parse_data": parse}


def _conversations():
    week = 7 * 24 * 3600
    first = [
        _user("vad säger lagen", "faq", T0, faq="faq/law"),
        {"event": "action", "name": "utter_faq", "timestamp": T0 + 1},
        _user("ring mig på 070-123 45 67", "nlu_fallback", T0 + 10),
        {"event": "action", "name": "action_two_stage_fallback", "timestamp": T0 + 11},
        _user("/faq/law_penalty", "faq", T0 + 20, faq="faq/law_penalty"),
    ]
    second = [
        _user("jag vill sluta köpa sex", "want_to_stop_buying", T0 + week),
        {"event": "action", "name": "action_referral", "timestamp": T0 + week + 1},
        {"event": "bot", "text": "I Umeå finns KAST Umeå.", "timestamp": T0 + week + 1},
        {
            "event": "bot",
            "text": "Du kan också ringa Kvinnofridslinjen 020-50 50 50 eller KAST Umeå.",
            "timestamp": T0 + week + 1,
        },
        {"event": "action", "name": "action_listen", "timestamp": T0 + week + 2},
        {"event": "bot", "text": "Kvinnofridslinjen", "timestamp": T0 + week + 3},  # not after a referral action
    ]
    return [first, second]


def test_summary_counts_weeks_fallbacks_referrals_and_masks():
    stats = conversations.summarise(_conversations(), "test")
    assert stats.conversations == 2 and stats.user_messages == 4
    assert len(stats.weeks) == 2
    assert stats.fallbacks == 1 and stats.fallback_rate == 0.25
    week1 = stats.per_week[stats.weeks[0]]
    assert week1["faq/law"] == 1 and week1["faq/law_penalty"] == 1
    assert stats.referrals == {"KAST Umeå": 1, "Kvinnofridslinjen": 1}
    assert stats.referral_answers == 1
    assert dict(stats.not_understood) == {"ring mig på [telefon]": 1}
    assert stats.chosen_after["ring mig på [telefon]"]["faq/law_penalty"] == 1


def test_dump_with_sender_ids_never_shows_them(tmp_path):
    dump = tmp_path / "trackers.json"
    dump.write_text(
        json.dumps([{"sender_id": "secret-sender-123", "events": c} for c in _conversations()]), encoding="utf-8"
    )
    page = report.build(
        tmp_path / "out", model=tmp_path / "no-model.tar.gz", folds=0, trackers=dump, log=lambda *a: None
    )
    html = page.read_text(encoding="utf-8")
    assert "secret-sender-123" not in html and "070-123" not in html
    # Shown only when it occurs in at least 5 different conversations (one here).
    assert "ring mig på [telefon]" not in html and "KAST Umeå" in html
    for png in ("topics.png", "fallback.png", "referrals.png"):
        assert (page.parent / png).stat().st_size > 1000
        assert png in html


def test_sql_tracker_store(tmp_path):
    from content.demo_store import write

    endpoints = write(tmp_path / "store", count=30, weeks=3)
    stats = conversations.from_endpoints(endpoints)
    assert stats.conversations == 30 and stats.user_messages >= 30
    assert stats.source.startswith("SQL")
    assert all("demo-" not in text for text in stats.not_understood)
    assert "070-123" not in " ".join(stats.not_understood)


def test_masking_store_around_sql_is_read(tmp_path):
    from content.demo_store import write

    db = write(tmp_path / "store", count=5, weeks=1).parent / "rasa.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: bot.rasa_plugins.tracker_store.MaskingTrackerStore\n  inner: sql\n"
        f"  dialect: sqlite\n  db: {db}\n",
        encoding="utf-8",
    )
    stats = conversations.from_endpoints(endpoints)
    assert stats.conversations == 5 and "SQL" in stats.source


@pytest.mark.parametrize(
    "store", ["", "tracker_store:\n  type: bot.rasa_plugins.tracker_store.MaskingTrackerStore\n  inner: in_memory\n"]
)
def test_in_memory_store_explains_why_there_is_nothing(tmp_path, store):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("action_endpoint:\n  url: http://localhost:5055/webhook\n" + store, encoding="utf-8")
    stats = conversations.from_endpoints(endpoints)
    assert stats.conversations == 0 and "minnet" in stats.note


def test_unreachable_database_is_explained(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: sql\n  dialect: sqlite\n  db: {tmp_path}/no/such/dir/rasa.db\n", encoding="utf-8"
    )
    stats = conversations.from_endpoints(endpoints)
    assert stats.conversations == 0 and "gick inte att läsa" in stats.note


def test_per_intent_rows_and_plots(tmp_path):
    from bot.tools.evaluation import Example, Report

    r = Report(
        [
            (Example("a", "faq/law"), "faq/law"),
            (Example("b", "faq/law"), "faq/law_penalty"),
            (Example("c", "greet"), "greet"),
        ]
    )
    rows = report.per_intent(r)
    assert rows[0]["intent"] == "faq/law" and rows[0]["confused"] == [("faq/law_penalty", 1)]
    assert rows[0]["phrasings"] == [("b", "faq/law_penalty")]
    report.plot_confusion(r, tmp_path / "c.png", "test")
    report.plot_f1(rows, tmp_path / "f.png", "test")
    assert (tmp_path / "c.png").exists() and (tmp_path / "f.png").exists()


def test_purge_command_uses_the_endpoints_and_days(tmp_path, capsys, monkeypatch):
    """`python -m bot purge` hands the endpoints file and the days to bot.rasa_plugins.retention.purge."""
    from bot.tools import cli
    from content.demo_store import write

    monkeypatch.setattr(cli, "_quiet", lambda: None)  # keep the test session's logging as it is
    endpoints = write(tmp_path / "store", count=20, weeks=6)
    assert cli.main(["purge", "--days", "30", "--endpoints", str(endpoints)]) == 0
    out = capsys.readouterr().out
    assert "30 dagar" in out
    left = conversations.from_endpoints(endpoints)
    assert 0 < left.conversations < 20
