"""The data files: format, county overlays, normalisation."""

import pytest

from service.nlp.classifier import score
from service.nlp.engine import build_engine
from service.nlp.lexicon import INTAKES, LexiconError, load_lexicon
from service.nlp.normalize import normalize


def test_packaged_lexicons_load_with_every_intake_and_urgency():
    lex = load_lexicon()
    covered = {INTAKES[idx] for entries in lex.terms.values() for idx, _ in entries}
    assert covered == set(INTAKES)
    assert lex.urgency["着火"] >= 1.0
    assert "不是" in lex.negations and "去年" in lex.past_markers
    assert lex.typos["低宝"] == "低保"


def test_normalize_folds_traditional_full_width_and_case():
    t2s = load_lexicon().t2s
    assert normalize("臨時救助，ＩＣＵ", t2s) == "临时救助,icu"
    assert normalize("事實無人撫養兒童", t2s) == "事实无人抚养儿童"


def _write(base, name, text):
    path = base / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_county_directory_adds_terms_and_overrides_weights(tmp_path, jieba_cache):
    county = tmp_path / "county"
    _write(county, "terms/dibao.tsv", "# local name for 低保\n保障金\t4.0\n")
    _write(county, "terms/other.tsv", "高龄津贴\t0\n")
    _write(county, "userdict.txt", "保障金 30000 n\n")
    engine = build_engine(jieba_cache, [str(county)])
    assert score(engine, "想领保障金，家里没收入").category == "dibao"
    assert "保障金" in engine.tokenizer.lcut("想领保障金")
    assert "高龄津贴" not in engine.lexicon.terms
    assert score(engine, "高龄津贴在哪领").keywords == ()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("terms/dibao.tsv", "低保 4.0\n"),  # space instead of tab
        ("terms/dibao.tsv", "低保\tmany\n"),
        ("patterns.tsv", "nowhere\t1.0\t低保\n"),
        ("patterns.tsv", "other\t1.0\t(低保\n"),
        ("t2s.tsv", "臨時\t临时\n"),
    ],
)
def test_malformed_county_lines_are_reported_with_file_and_line(tmp_path, name, text):
    _write(tmp_path, name, "# comment\n" + text)
    with pytest.raises(LexiconError, match=r":2:"):
        load_lexicon([tmp_path])
