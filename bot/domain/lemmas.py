"""Swedish tokens and lemmas: `spacy.blank("sv")` for tokens, `lemma(word)` from an on-disk store.

No pretrained Swedish pipeline can be downloaded here, so we use spaCy's rule-based tokenizer and
the lemma lookup table from spacy-lookups-data. spaCy's own lookup lemmatizer keeps that table
(660,000 words) in memory, about 200 MB in every process, so `swedish_nlp()` has no lemmatizer:
`lemma(word)` looks the word up in a SQLite copy of the table instead, with spaCy's semantics
(`Lemmatizer.lookup_lemmatize`: the exact token text, case and all, else the text itself).

The SQLite file is built once from the installed spacy-lookups-data file into `.cache/` of the
project (`BOT_CACHE_DIR` overrides it; a per-user temp dir is the fallback when that is not
writable) and rebuilt when it is missing, unreadable or made from another version of the data.
It is written to a temp file and moved into place, so parallel processes never read half a file.
"""

import gzip
import json
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import spacy
from spacy.language import Language

from bot.paths import ROOT

logger = logging.getLogger(__name__)

PROJECT_DIR = ROOT
CACHE_ENV = "BOT_CACHE_DIR"
STORE_NAME = "sv_lemma_lookup.sqlite3"
SCHEMA = "1"  # bump when the layout or the build changes, so old files are rebuilt
CACHE_SIZE = 50_000  # words; cached words are at most as long as the longest word in the table

_LOOKUP = "SELECT lemma FROM lemma WHERE word = ?"


@lru_cache(maxsize=1)
def swedish_nlp() -> Language:
    """Return the blank Swedish pipeline (tokenizer only, no lemmatizer – see `lemma`), cached."""
    return spacy.blank("sv")


def lemma(word: str) -> str:
    """The lookup lemma of one token text, exactly as spaCy's lookup lemmatizer gives `lemma_`."""
    return lemma_store().lemma(word)


def lemmas(text: str) -> List[str]:
    """Lower-case lookup lemmas of the words in `text` (punctuation and spaces dropped)."""
    find = lemma_store().lemma
    return [find(t.text).lower() for t in swedish_nlp()(text) if not (t.is_punct or t.is_space)]


class LemmaStore:
    """Read-only word → lemma lookups in the SQLite store; recently used words are cached."""

    def __init__(self, path: Path, max_word_length: int) -> None:
        self.path = Path(path)
        self.max_word_length = max_word_length
        self._lock = threading.Lock()
        self._conn: Optional[sqlite3.Connection] = _connect(self.path)
        self._pid = os.getpid()
        self._cached = lru_cache(maxsize=CACHE_SIZE)(self._query)

    def lemma(self, word: str) -> str:
        """spaCy's `lookup_table.get(token.text, token.text)`: no lower-casing, itself if unknown."""
        if not word or len(word) > self.max_word_length:
            return word  # not in the table; long junk words would only fill the cache
        return self._cached(word)

    def _query(self, word: str) -> str:
        with self._lock:
            if self._pid != os.getpid():  # a forked child (or closed): never share a handle
                self._conn = _connect(self.path)
                self._pid = os.getpid()
            row = self._conn.execute(_LOOKUP, (word,)).fetchone()
        return word if row is None else row[0]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn, self._pid = None, -1
            self._cached.cache_clear()


@lru_cache(maxsize=1)
def lemma_store() -> LemmaStore:
    """The process-wide lemma store, built first if needed (cached)."""
    return open_lemma_store()


def lookup_source() -> Path:
    """The Swedish `lemma_lookup` file of spacy-lookups-data, found the way spaCy finds it."""
    from spacy.util import registry

    path = Path(registry.lookups.get("sv")["lemma_lookup"])
    if path.exists():
        return path
    gz = path.with_suffix(path.suffix + ".gz")  # spacy.util.load_language_data does the same
    if gz.exists():
        return gz
    raise FileNotFoundError(f"spacy-lookups-data has no Swedish lemma table at {path}(.gz)")


def cache_dirs() -> List[Path]:
    """Where the store may live, in order: $BOT_CACHE_DIR or <project>/.cache, then a temp dir."""
    first = os.environ.get(CACHE_ENV)
    return [Path(first).expanduser() if first else PROJECT_DIR / ".cache", _temp_cache_dir()]


def _temp_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"bot-cache-{os.getuid()}"


def open_lemma_store(cache_dir: Optional[Path] = None, source: Optional[Path] = None) -> LemmaStore:
    """Open the store in the first usable cache dir, building or rebuilding it there if needed."""
    source = Path(source) if source else lookup_source()
    expected = _source_meta(source)
    problems = []
    for directory in [Path(cache_dir)] if cache_dir else cache_dirs():
        path = directory / STORE_NAME
        try:
            if directory == _temp_cache_dir():
                _claim_private_dir(directory)
            meta = _read_valid(path, expected) or _build_locked(path, source, expected)
        except (OSError, sqlite3.Error) as e:
            problems.append(f"{directory}: {e}")
            logger.warning("Cannot build the lemma store in %s: %s", directory, e)
            continue
        return LemmaStore(path, int(meta["max_word_length"]))
    raise RuntimeError("No usable cache dir for the lemma store: " + "; ".join(problems))


def build_lemma_store(path: Path, source: Path) -> dict:
    """Build the store from `source` at `path` (temp file, then os.replace); returns its meta."""
    path = Path(path)
    meta = _source_meta(source)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute("CREATE TABLE lemma (word TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID")
            longest = [0]

            def rows() -> Iterator[Tuple[str, str]]:
                for word, value in _read_pairs(source):
                    if word != value:  # a word that is its own lemma needs no row
                        longest[0] = max(longest[0], len(word))
                        yield word, value

            # INSERT OR REPLACE: for a word listed twice the last one wins, as in a JSON dict.
            conn.executemany("INSERT OR REPLACE INTO lemma VALUES (?, ?)", rows())
            meta["max_word_length"] = str(longest[0])
            meta["rows"] = str(conn.execute("SELECT count(*) FROM lemma").fetchone()[0])
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            conn.commit()
            conn.execute("VACUUM")  # compact pages whatever order the words came in
        finally:
            conn.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return meta


def _connect(path: Path) -> sqlite3.Connection:
    # immutable: the file is never changed in place (only replaced), so no locking is needed.
    uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _source_meta(source: Path) -> dict:
    stat = os.stat(source)
    return {
        "schema": SCHEMA,
        "source": str(Path(source).resolve()),
        "source_size": str(stat.st_size),
        "source_mtime_ns": str(stat.st_mtime_ns),
        "source_version": _lookups_version(),
    }


def _lookups_version() -> str:
    try:
        from importlib.metadata import version

        return version("spacy-lookups-data")
    except Exception:  # noqa: BLE001 - not installed as a distribution: size and mtime still tell
        return "unknown"


def _read_valid(path: Path, expected: dict) -> Optional[dict]:
    """The store's meta if `path` is a complete store built from the expected source, else None."""
    if not path.is_file():
        return None
    try:
        conn = _connect(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(_LOOKUP, ("",)).fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as e:
        logger.warning("Lemma store %s is unreadable (%s); rebuilding it", path, e)
        return None
    if any(meta.get(k) != v for k, v in expected.items()) or "max_word_length" not in meta:
        logger.info("Lemma store %s is out of date; rebuilding it", path)
        return None
    if page_size * pages != path.stat().st_size:
        logger.warning("Lemma store %s is truncated; rebuilding it", path)
        return None
    return meta


def _build_locked(path: Path, source: Path, expected: dict) -> dict:
    """Build under a lock file, so parallel processes build once; the others then just read it."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{path.name}.lock", "a+b") as lock:
        try:
            import fcntl

            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        except (ImportError, OSError):
            pass  # no locking here: every process builds its own copy, os.replace keeps it safe
        meta = _read_valid(path, expected)  # someone else may have built it while we waited
        if meta is not None:
            return meta
        _remove_stale_temp_files(path)
        started = time.perf_counter()
        logger.info("Building the Swedish lemma store %s from %s", path, source)
        meta = build_lemma_store(path, source)
        logger.info("Built the lemma store in %.1f s", time.perf_counter() - started)
        return meta


def _claim_private_dir(directory: Path) -> None:
    """A dir in the shared temp dir: ours alone, not a symlink or a dir planted by someone else."""
    directory.mkdir(mode=0o700, exist_ok=True)
    if directory.is_symlink() or directory.stat().st_uid != os.getuid():
        raise PermissionError(f"{directory} is not a directory of our own")


def _remove_stale_temp_files(path: Path, older_than: float = 3600) -> None:
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):  # left behind by a killed build
        try:
            if time.time() - tmp.stat().st_mtime > older_than:
                tmp.unlink()
        except OSError:
            pass


# One `"word": "lemma"` pair of a flat JSON object, read as bytes (UTF-8 never has `"` or `\`
# inside a multi-byte character).
_OPEN = re.compile(rb'\s*\{\s*(\}?)')
_PAIR = re.compile(rb'\s*"([^"\\]*(?:\\.[^"\\]*)*)"\s*:\s*"([^"\\]*(?:\\.[^"\\]*)*)"\s*([,}])')
_CHUNK = 1 << 20


def _read_pairs(source: Path) -> Iterator[Tuple[str, str]]:
    """The (word, lemma) pairs of the lookup file, streamed so the build stays small in memory.

    Falls back to loading the whole JSON if the file is not a flat object of strings.
    """
    try:
        yield from _stream_pairs(source)
    except _NotFlat:
        logger.info("%s is not a flat object of strings; loading it whole", source)
        for word, value in _load_json(source).items():
            if isinstance(value, list):  # lookup_lemmatize takes the first of a list
                value = value[0]
            yield word, value


class _NotFlat(ValueError):
    pass


def _open_source(source: Path):
    return gzip.open(source, "rb") if str(source).endswith(".gz") else open(source, "rb")


def _load_json(source: Path) -> dict:
    with _open_source(source) as f:
        return json.load(f)


def _decode(raw: bytes) -> str:
    return json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode("utf-8")


def _stream_pairs(source: Path) -> Iterator[Tuple[str, str]]:
    with _open_source(source) as f:
        buffer, eof = b"", False
        while not eof and len(buffer) < 64:
            chunk = f.read(_CHUNK)
            buffer, eof = buffer + chunk, not chunk
        start = _OPEN.match(buffer)
        if not start:
            raise _NotFlat
        pos, done = start.end(), bool(start.group(1))
        while not done:
            m = _PAIR.match(buffer, pos)
            if m is None:
                if eof:
                    raise _NotFlat
                chunk = f.read(_CHUNK)
                buffer, pos, eof = buffer[pos:] + chunk, 0, not chunk
                continue
            yield _decode(m.group(1)), _decode(m.group(2))
            pos, done = m.end(), m.group(3) == b"}"
        if buffer[pos:].strip() or f.read().strip():
            raise _NotFlat
