"""bot.privacy.retention_rules: days, cut-off, last event of a serialised tracker, the sweep schedule."""

from __future__ import annotations

import json

import pytest

from bot.privacy import retention_rules as rules

DAY = 86400.0


def serialised(*stamps) -> str:
    return json.dumps({"events": [{"event": "action", "timestamp": s} for s in stamps]})


def test_days(monkeypatch):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    assert rules.default_days() == rules.DEFAULT_DAYS == 30 and rules.retention_days(None) == 30
    assert rules.retention_days("7") == 7
    monkeypatch.setenv("RETENTION_DAYS", "10")
    assert rules.default_days() == 10 and rules.retention_days("") == 10
    for bad in ("0", "-3"):
        monkeypatch.setenv("RETENTION_DAYS", bad)
        with pytest.raises(ValueError):
            rules.default_days()
    with pytest.raises(ValueError):
        rules.retention_days(0)


def test_cutoff():
    assert rules.cutoff(30, now=100 * DAY) == 70 * DAY


def test_last_timestamp():
    assert rules.last_timestamp(serialised(5.0, 9, 7.5)) == 9.0
    for unreadable in (serialised(), "not json", None, "[1, 2]", json.dumps({"events": [{"timestamp": "x"}]})):
        assert rules.last_timestamp(unreadable) is None


def test_drop_stale_keeps_new_and_unreadable():
    conversations = {
        "old": serialised(1.0, 2.0),
        "revived": serialised(1.0, 50.0),
        "new": serialised(60.0),
        "unreadable": "?",
    }
    assert rules.drop_stale(conversations, before=10.0) == 1
    assert list(conversations) == ["revived", "new", "unreadable"]


def test_sweep_schedule_is_due_at_most_once_per_period():
    now = [1000.0]
    schedule = rules.SweepSchedule(3600, clock=lambda: now[0])
    assert not schedule.due()
    now[0] += 3599
    assert not schedule.due()
    now[0] += 1
    assert schedule.due() and not schedule.due()
    now[0] += 3600
    assert schedule.due()
