"""The loaded state of the classifier: one jieba tokenizer and the lexicons, built once per process."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba

from .lexicon import Lexicon, load_lexicon, user_dictionaries

log = logging.getLogger(__name__)

# high enough that a lexicon term wins over jieba's own split of it in context
TERM_FREQ = 20000
CACHE_FILE = "jieba.cache"


@dataclass(frozen=True)
class Engine:
    tokenizer: jieba.Tokenizer
    lexicon: Lexicon


_lock = threading.Lock()
_engine: Engine | None = None
_loaded_dirs: tuple[str, ...] = ()  # what the process's classifier was loaded with


def quiet_jieba() -> None:
    """jieba logs every dictionary load to stderr at DEBUG; keep only its warnings."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)


def build_engine(cache_dir: str | os.PathLike[str] | None = None, extra_dirs: Iterable[str] = (),
                 learned: bool = True) -> Engine:
    """Initialise a dedicated tokenizer (cache in cache_dir), load user dictionaries and lexicons
    (learned=False: the hand-written ones only, as the trainer needs them)."""
    quiet_jieba()
    extra = tuple(extra_dirs)
    lexicon = load_lexicon(extra, learned=learned)
    tokenizer = jieba.Tokenizer()
    if cache_dir is not None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = os.fspath(cache_dir)
        tokenizer.cache_file = CACHE_FILE
    tokenizer.initialize()
    for path in user_dictionaries(extra):
        tokenizer.load_userdict(os.fspath(path))
    for word in sorted(lexicon.vocabulary()):
        if tokenizer.FREQ.get(word, 0) < TERM_FREQ:
            tokenizer.add_word(word, TERM_FREQ)
    log.info("routing classifier loaded: %d terms, %d patterns, %d learned words", len(lexicon.terms),
             len(lexicon.patterns), len(lexicon.learned))
    return Engine(tokenizer=tokenizer, lexicon=lexicon)


def warm_up(cache_dir: str | None = None, extra_dirs: Iterable[str] = ()) -> Engine:
    """Load the classifier once per process; later calls return the loaded one (thread-safe).

    cache_dir holds jieba's prefix-dictionary cache (the app passes its instance folder) so a restart
    reads it instead of rebuilding; None uses the system temporary directory. extra_dirs are county
    data directories read on top of the packaged lexicons. The classifier is the process's (loaded before
    gunicorn forks, shared copy-on-write), so another set of directories later is refused, never ignored.
    """
    global _engine, _loaded_dirs
    wanted = tuple(os.fspath(d) for d in extra_dirs)
    engine = _engine
    if engine is None:
        with _lock:
            if _engine is None:
                _engine, _loaded_dirs = build_engine(cache_dir, wanted), wanted
            engine = _engine
    if wanted and wanted != _loaded_dirs:
        raise ValueError(f"the classifier of this process was loaded with lexicon directories {_loaded_dirs or '(none)'}; "
                         f"{wanted} needs its own process")
    return engine


def current() -> Engine:
    """The loaded engine, loading it with defaults if no one has warmed it up yet."""
    return _engine or warm_up()
