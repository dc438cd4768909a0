"""bot.domain.lemmas: lemmas from the on-disk store are exactly spaCy's lookup lemmas, the tokenizer output is
unchanged, the store rebuilds itself when missing, broken or stale, and it is small in memory."""

import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
import spacy
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc
from spacy.util import load_language_data, registry

from bot.domain import lemmas as nlp
from bot.domain.text import fold
from bot.rasa_plugins.tokenizer import SwedishTokenizer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def old_nlp():
    """The pipeline we had: spaCy's lookup lemmatizer, the whole table in memory."""
    old = spacy.blank("sv")
    old.add_pipe("lemmatizer", config={"mode": "lookup"})
    old.initialize()
    return old


@pytest.fixture(scope="module")
def table_words():
    """The words of the Swedish lookup table, loaded as spaCy loads it."""
    return sorted(load_language_data(registry.lookups.get("sv")["lemma_lookup"]))


def _old_lemmas(old_nlp, words):
    """What the old lemmatizer set as `lemma_` for tokens with these texts."""
    doc = old_nlp.get_pipe("lemmatizer")(Doc(old_nlp.vocab, words=words))
    return [t.lemma_ for t in doc]


ODD_WORDS = [
    "kopa",
    "köpa",
    "KÖPER",
    "Köper",
    "Göteborg",
    "GÖTEBORG",
    "göteborg",
    "Umeå",
    "umea",
    "ÅÄÖ",
    "åäö",
    "Åsa",
    "Flickorna",
    "flickorna",
    "FLICKORNA",
    "e-post",
    "020-50",
    "112",
    "3,5",
    "sexköp",
    "sexkopslagen",
    "människohandel",
    "Människohandeln",
    "det",
    "Det",
    "neg",
    "possessive",
    "ADJ",
    "NOUN",
    "ORTH",
    "x" * 33,
    "x" * 34,
    "ord" * 20,
    ",",
    "!",
    "...",
    "😭",
    "\x00\x01",
    "é",
    "café",
    "Ångermanland",
    "polisen",
    "Polisen",
    "POLISEN",
    "hej",
    "Hej",
]


def test_lemma_equals_spacy_lookup_lemmatizer(old_nlp, table_words):
    rng = random.Random(20240501)
    sample = rng.sample(table_words, 3000)
    words = list(sample)
    for w in sample[:1000]:
        words += [w.lower(), w.upper(), w.capitalize(), fold(w), w + "s", w[:-1] or w]
    words += ODD_WORDS
    words += [w for w in table_words if any(c in w for c in "åäöÅÄÖ")][::997]
    assert len(words) > 8000
    old = _old_lemmas(old_nlp, words)
    new = [nlp.lemma(w) for w in words]
    mismatches = [(w, o, n) for w, o, n in zip(words, old, new) if o != n]
    assert not mismatches, mismatches[:20]
    assert sum(o != w for w, o in zip(words, old)) > 3000, "the sample should mostly change"
    assert nlp.lemma("") == ""


SENTENCES = [
    "Jag köper sex i Göteborg, flickorna!",
    "Hej! Var kan jag få hjälp om jag vill sluta köpa sex?",
    "vill sluta kopa sex",
    "Min pojkvän säljer sex på nätet – vad gör jag?",
    "Är det olagligt att köpa sexuella tjänster i Sverige?",
    "Ring 112 eller 020-50 50 50 om någon är i fara.",
    "Jag bor i Umeå nu, men flyttade från Ångermanland.",
    "KAST-mottagningen i Stockholm: öppettider?",
    "Vad säger sexköpslagen (1998:408) egentligen??",
    "jag tror att grannen driver en bordell... vad ska jag göra",
    "Kan man vara anonym när man ringer er?",
    "Prata med en människa tack",
    "Är du en robot eller en riktig person?",
    "Hur anmäler jag människohandel till Polisen?",
    "Tjejerna i lägenheten verkar rädda och har inga pass.",
    "Jag är 15 år och någon erbjuder mig pengar för bilder",
    "Do you speak English?",
    "e-post: info@example.se, tel. 08-123 45 67",
    "Jönköpings län, Malmö och Luleå – finns det hjälp där också?",
    "Tack så mycket, hej då! 😭😭",
    "   ",
    "",
    "\x00\x01 <script>alert(1)</script>",
    "Åsa ÄTER ÖL i Örebro",
]


def _old_tokenize(old_nlp, text, fold_text):
    """SwedishTokenizer.tokenize as it was, with lemmas from the old pipeline's `lemma_`."""
    tokens = []
    for t in old_nlp(text):
        if t.is_space or t.is_punct:
            continue
        word = "".join(fold_text(t.text).split())
        if not word:
            continue
        lemma = "".join(fold_text(t.lemma_).split()) or word
        tokens.append((word, t.idx, t.idx + len(word), lemma))
    return tokens


@pytest.mark.parametrize("fold_diacritics", [True, False])
def test_tokenizer_output_unchanged(old_nlp, fold_diacritics):
    config = {**SwedishTokenizer.get_default_config(), "fold_diacritics": fold_diacritics}
    tokenizer = SwedishTokenizer(config)
    fold_text = fold if fold_diacritics else str.lower
    for text in SENTENCES:
        new = [(t.text, t.start, t.end, t.lemma) for t in tokenizer.tokenize(Message({TEXT: text}), TEXT)]
        assert new == _old_tokenize(old_nlp, text, fold_text), text


def test_lemmas_unchanged(old_nlp):
    for text in SENTENCES:
        old = [t.lemma_.lower() for t in old_nlp(text) if not (t.is_punct or t.is_space)]
        assert nlp.lemmas(text) == old, text
    assert nlp.lemmas("Jag köper sex i Göteborg, flickorna!")[1:] == ["köpa", "sex", "i", "göteborg", "flicka"]


def test_pipeline_has_no_in_memory_table():
    assert nlp.swedish_nlp().pipe_names == []
    assert nlp.lemma_store().path.is_file()


# ---- the store file: built, rebuilt, shared -------------------------------------------------

TINY = {
    "köper": "köpa",
    "Köper": "köpa",
    "flickorna": "flicka",
    'sa"de': "säga",
    "tv\\å": "två",
    "åt": "äta",
    "same": "same",
}


def _write_source(path, data, indent=4):
    raw = json.dumps(data, ensure_ascii=False, indent=indent)
    path.write_bytes(gzip.compress(raw.encode("utf-8")))


@pytest.fixture()
def tiny(tmp_path):
    source = tmp_path / "sv_lemma_lookup.json.gz"
    _write_source(source, TINY)
    return source, tmp_path / "cache"


def _check(store, data):
    for word, value in data.items():
        assert store.lemma(word) == value
    assert store.lemma("köpa") == "köpa"
    assert store.lemma("KÖPER") == "KÖPER"  # exact text only, like spaCy


def test_store_built_when_missing(tiny):
    source, cache = tiny
    store = nlp.open_lemma_store(cache, source)
    assert store.path == cache / nlp.STORE_NAME and store.path.is_file()
    _check(store, TINY)
    store.close()
    os.unlink(store.path)
    store = nlp.open_lemma_store(cache, source)
    _check(store, TINY)
    assert not list(cache.glob("*.tmp"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong table"])
def test_store_rebuilt_when_corrupt(tiny, damage):
    source, cache = tiny
    path = nlp.open_lemma_store(cache, source).path
    raw = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        import sqlite3

        conn = sqlite3.connect(path)
        conn.execute("DROP TABLE lemma")
        conn.commit()
        conn.close()
    store = nlp.open_lemma_store(cache, source)
    _check(store, TINY)


def test_store_rebuilt_when_source_changes(tiny):
    source, cache = tiny
    store = nlp.open_lemma_store(cache, source)
    assert store.lemma("åt") == "äta"
    changed = {**TINY, "åt": "åta", "köpte": "köpa"}
    _write_source(source, changed, indent=None)
    store = nlp.open_lemma_store(cache, source)
    _check(store, changed)


def test_parallel_openers_build_one_complete_store(tiny):
    source, cache = tiny
    results, errors = [], []

    def open_it():
        try:
            results.append(nlp.open_lemma_store(cache, source).lemma("flickorna"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == ["flicka"] * 8
    assert not list(cache.glob("*.tmp"))


def test_cache_dir_from_env_and_temp_fallback(tiny, tmp_path, monkeypatch):
    source, _ = tiny
    monkeypatch.setenv(nlp.CACHE_ENV, str(tmp_path / "mine"))
    assert nlp.cache_dirs()[0] == tmp_path / "mine"
    assert nlp.open_lemma_store(source=source).path.parent == tmp_path / "mine"

    blocker = tmp_path / "a-file"
    blocker.write_text("not a dir")
    monkeypatch.setenv(nlp.CACHE_ENV, str(blocker / "cache"))  # cannot be created
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    store = nlp.open_lemma_store(source=source)
    assert store.path.parent == tmp_path / "tmp" / f"bot-cache-{os.getuid()}"
    _check(store, TINY)


def test_stream_reader_matches_json(tmp_path):
    data = {"a": "b", "\\": "\"", "ö\u00e5": "x\ty", "\u2028": "é"}
    for indent in (None, 0, 2):
        source = tmp_path / f"t{indent}.json.gz"
        _write_source(source, data, indent=indent)
        assert dict(nlp._read_pairs(source)) == data
    source = tmp_path / "nested.json"
    source.write_text(json.dumps({"a": ["b", "c"], "d": "e"}))
    assert dict(nlp._read_pairs(source)) == {"a": "b", "d": "e"}  # first, as spaCy does


# ---- memory --------------------------------------------------------------------------------

_MEASURE = r"""
import json, sys
sys.modules["tensorflow"] = None  # spaCy's thinc would import it (6 s); the lemma store does not use it
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
import bot.domain.lemmas
before = rss()
lemmas = bot.domain.lemmas.lemmas("Jag köper sex i Göteborg, flickorna!")
loaded = rss()
for i in range(int(sys.argv[1])):  # distinct words: fills the lookup cache
    bot.domain.lemmas.lemma("ord%dx" % i)
print(json.dumps({"lemmas": lemmas, "load_mb": loaded - before, "full_cache_mb": rss() - before}))
"""


def test_lemma_lookup_is_small_in_memory():
    nlp.lemma_store()  # built beforehand: the subprocess measures loading, not building
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(nlp.CACHE_SIZE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["lemmas"] == ["jag", "köpa", "sex", "i", "göteborg", "flicka"]
    assert result["load_mb"] < 40, result  # spaCy's in-memory table: about 210 MB
    assert result["full_cache_mb"] < 40, result
