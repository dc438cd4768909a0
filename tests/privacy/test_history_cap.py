"""bot.privacy.history_cap: the bounds on events per conversation and conversations in memory."""

from __future__ import annotations

import pytest

from bot.privacy import history_cap


def test_max_event_history(monkeypatch):
    monkeypatch.delenv("MAX_EVENT_HISTORY", raising=False)
    assert history_cap.max_event_history() == history_cap.DEFAULT_MAX_EVENT_HISTORY == 100
    assert history_cap.max_event_history(40) == 40 and history_cap.max_event_history("") == 100
    assert history_cap.max_event_history(0) is None and history_cap.max_event_history(" None ") is None
    monkeypatch.setenv("MAX_EVENT_HISTORY", "25")
    assert history_cap.max_event_history() == 25 and history_cap.max_event_history(60) == 60
    with pytest.raises(ValueError):
        history_cap.max_event_history(9)


def test_max_conversations(monkeypatch):
    monkeypatch.delenv("MAX_CONVERSATIONS_IN_MEMORY", raising=False)
    assert history_cap.max_conversations() == history_cap.DEFAULT_MAX_CONVERSATIONS == 5000
    monkeypatch.setenv("MAX_CONVERSATIONS_IN_MEMORY", "7")
    assert history_cap.max_conversations() == 7 and history_cap.max_conversations("3") == 3
    with pytest.raises(ValueError):
        history_cap.max_conversations(0)


def test_keep_most_recent_drops_the_quietest():
    conversations = {f"s{n}": n for n in range(5)}
    assert history_cap.keep_most_recent(conversations, "s0", 5) == 0
    assert list(conversations) == ["s1", "s2", "s3", "s4", "s0"], "the active one moves to the end"
    conversations["s5"] = 5
    assert history_cap.keep_most_recent(conversations, "s5", 3) == 3
    assert list(conversations) == ["s4", "s0", "s5"]
    assert history_cap.keep_most_recent(conversations, "unknown", 3) == 0
