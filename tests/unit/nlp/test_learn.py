"""The learned weights: reproducible, current with the dev corpus, and never learned from held-out splits."""

import json

import pytest

from service.nlp import learn
from service.nlp.engine import build_engine
from service.nlp.evaluation import Example, load_corpus
from service.nlp.lexicon import BIAS, DATA_DIR, LEARNED_TARGETS, SCALE, _read_learned, load_lexicon
from service.nlp.reading import read

from .conftest import CORPUS

EXAMPLES = [
    Example("俺想吃低保，一个人没收入", "dibao", (), False, "apply"),
    Example("低保一个月多少钱", "dibao", (), False, "ask"),
    Example("家里着火了快来人", "temporary_relief", (), True, "apply"),
    Example("临时救助批了没有", "temporary_relief", (), False, "progress"),
    Example("谢谢你们", "other", (), False, "thanks"),
    Example("我要投诉村干部", "other", (), False, "complaint"),
] * 3


@pytest.fixture(scope="module")
def bare_engine(jieba_cache):
    return build_engine(jieba_cache, learned=False)


def test_learning_is_reproducible_and_names_every_target(bare_engine):
    data = learn.samples(bare_engine, EXAMPLES)
    first, second = learn.learn(data), learn.learn(data)
    assert first == second
    assert set(first) >= {BIAS, SCALE, "低保", "谢谢你们"}
    assert all(len(weights) == len(LEARNED_TARGETS) for weights in first.values())


def test_written_weights_read_back_as_the_classifier_uses_them(bare_engine, tmp_path):
    table = learn.learn(learn.samples(bare_engine, EXAMPLES))
    path = tmp_path / "learned.tsv"
    assert learn.write(table, path) > 0
    reread: dict[str, list[float]] = {}
    _read_learned(path, reread)  # the file alone, without the packaged weights under it
    for word in (BIAS, SCALE):
        assert reread[word] == pytest.approx([round(w, 3) for w in table[word]], abs=0.0011)
    # a word's small weights are left out of the file: they read back as nothing
    kept = [round(w, 3) if abs(w) >= learn.WRITE_MIN else 0.0 for w in table["低保"]]
    assert reread["低保"] == pytest.approx(kept, abs=0.0011)


@pytest.mark.parametrize("name", ["test.jsonl", "sealed_2026_12.jsonl", "test_more.jsonl", "sealed_b.jsonl"])
def test_held_out_splits_are_refused(name, tmp_path):
    with pytest.raises(learn.HeldOutSplit):
        learn.check_trainable([tmp_path / "dev.jsonl", tmp_path / name])


def test_progress_thanks_and_complaints_teach_no_scheme(bare_engine):
    # their scheme is decided by rule; learning it from their words would send 批了没 to `other`
    data = learn.samples(bare_engine, EXAMPLES)
    table = learn.learn(data)
    scheme_weights = [table["批了没"][i] for i in range(4)] if "批了没" in table else [0.0] * 4
    assert scheme_weights == [0.0] * 4


@pytest.mark.slow
def test_the_packaged_weights_are_what_the_dev_corpus_teaches_today(bare_engine, tmp_path):
    """learned.tsv is regenerated from the dev splits whenever the lexicons or the corpus change."""
    paths = sorted(CORPUS.glob("dev*.jsonl"))
    data = [s for p in paths for s in learn.samples(bare_engine, load_corpus(p))]
    learn.write(learn.learn(data), tmp_path / "learned.tsv")
    fresh = (tmp_path / "learned.tsv").read_text(encoding="utf-8")
    assert fresh == (DATA_DIR / "learned.tsv").read_text(encoding="utf-8"), "run: flask --app service nlp learn"


def test_every_learned_word_is_one_jieba_gives(bare_engine):
    # a learned word the tokenizer never produces would be dead weight
    words = {w for w in load_lexicon().learned if w not in (BIAS, SCALE)}
    texts = [json.loads(line)["text"] for p in sorted(CORPUS.glob("dev*.jsonl"))
             for line in p.read_text(encoding="utf-8").splitlines()]
    seen = {t for text in texts for t in read(bare_engine, text, all_tokens=True).tokens}
    assert words <= seen
