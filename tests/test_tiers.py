"""Every test has exactly one tier (`unit`, `model` or `live`, set in tests/conftest.py).

When this run collected the whole suite, the tiers conftest.py recorded before `-m` deselected
anything are checked in-process; otherwise one `pytest --collect-only` of the suite is run.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TIERS, TIERS_KEY

TESTS = ROOT / "tests"
WRONG = "not (unit or model or live) or (unit and model) or (unit and live) or (model and live)"

# A few tests whose tier is known: (node id prefix, tier).
KNOWN = [
    ("tests/test_places.py::test_fold", "unit"),
    ("tests/web/test_app.py::test_sliding_window_limiter", "unit"),
    ("tests/privacy/test_channel.py::test_name_and_url_stay_rest", "unit"),  # its FakeRasa is no server
    ("tests/test_nlu_holdout.py::test_holdout_intent_accuracy", "model"),  # parser -> model_path
    ("tests/e2e/test_rest.py::test_greeting_offers_topics", "live"),  # procs.start_rasa
    ("tests/web/test_app.py::test_message_is_relayed_with_buttons", "live"),  # the web front
    ("tests/web/test_browser.py::test_click_a_button", "live"),  # Chromium
    ("tests/scale/test_relay.py::test_a_burst_from_one_conversation_does_not_crowd_out_the_others", "live"),
    ("tests/privacy/test_masking_store.py::test_delete_method[sql]", "live"),  # getfixturevalue("pg_up")
]


def _whole_suite(config) -> bool:
    return any(Path(arg.split("::")[0]).resolve() in (TESTS, ROOT) for arg in config.args)


def test_every_test_has_exactly_one_tier(pytestconfig):
    tiers = pytestconfig.stash[TIERS_KEY]
    if _whole_suite(pytestconfig):
        wrong = {nodeid: named for nodeid, named in tiers.items() if len(named) != 1}
        assert not wrong, f"tests without exactly one of {TIERS}: {wrong}"
        return
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(TESTS),
            "--collect-only",
            "-q",
            "-m",
            WRONG,
            "--continue-on-collection-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wrong = [line for line in out.stdout.splitlines() if "::" in line]
    assert not wrong, f"tests without exactly one of {TIERS}: {wrong}"
    assert "no tests collected" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]


@pytest.mark.parametrize("prefix,tier", KNOWN)
def test_known_tiers(pytestconfig, prefix, tier):
    found = {nodeid: named for nodeid, named in pytestconfig.stash[TIERS_KEY].items() if nodeid.startswith(prefix)}
    if not found:
        pytest.skip(f"{prefix} not collected in this run")
    assert all(named == [tier] for named in found.values()), found
