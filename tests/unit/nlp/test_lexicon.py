"""The data files: format, county overlays, normalisation."""

import pytest

from service.nlp.classifier import score
from service.nlp.engine import build_engine
from service.nlp.lexicon import EVENT_KINDS, INTAKES, INTENTS, LexiconError, load_lexicon
from service.nlp.normalize import normalize


def test_packaged_lexicons_load_with_every_intake_intent_and_urgency_kind():
    lex = load_lexicon()
    covered = {INTAKES[idx] for entries in lex.terms.values() for idx, _ in entries}
    assert covered == set(INTAKES)
    assert {INTENTS[idx] for entries in lex.intents.values() for idx, _ in entries} == set(INTENTS)
    assert lex.urgency["着火"] == (1.0, "disaster")
    assert {kind for _, kind in lex.urgency.values()} >= set(EVENT_KINDS)
    assert "不是" in lex.negations and lex.markers["去年"] == "past" and lex.markers["如果"] == "hypothetical"
    assert lex.learned["*"]  # the learned biases are there


def test_normalize_folds_traditional_full_width_and_case():
    t2s = load_lexicon().normalizer.t2s
    assert normalize("臨時救助，ＩＣＵ", t2s) == "临时救助,icu"
    assert normalize("事實無人撫養兒童", t2s) == "事实无人抚养儿童"
    assert normalize("連腳都腫了", t2s) == "连脚都肿了"  # characters beyond the old hand-made table


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
    # the county's weight replaces the learned one too: the word no longer decides anything
    assert engine.lexicon.learned["高龄津贴"][INTAKES.index("other")] == 0.0
    assert "高龄津贴" not in score(engine, "高龄津贴在哪领").keywords


def test_a_county_directory_can_add_dialect_words_and_intents(tmp_path, jieba_cache):
    county = tmp_path / "county"
    _write(county, "dialect.tsv", "活命钱\t低保\n")
    # as strong as the packaged progress phrases (批了没 3.5, 到哪一步 4.0): 我家 leans to apply since the
    # corpus files own-hardship questions as apply
    _write(county, "intents/progress.tsv", "有眉目没\t4.0\n")
    engine = build_engine(jieba_cache, [str(county)])
    decision = score(engine, "俺家活命钱有眉目没")
    assert (decision.category, decision.intent) == ("dibao", "progress")
    assert "低保" in decision.keywords and "有眉目没" in decision.intent_keywords


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("terms/dibao.tsv", "低保 4.0\n"),  # space instead of tab
        ("terms/dibao.tsv", "低保\tmany\n"),
        ("intents/ask.tsv", "多少\tsome\n"),
        ("patterns.tsv", "nowhere\t1.0\t低保\n"),
        ("patterns.tsv", "other\t1.0\t(低保\n"),
        ("patterns.tsv", "urgent:weather\t1.0\t下雨\n"),
        ("urgency.tsv", "着火\t1.0\tbonfire\n"),
        ("markers.tsv", "去年\tyesteryear\n"),
        ("t2s.tsv", "臨時\t临时\n"),
        ("learned.tsv", "低保\tpension\t1.0\n"),
    ],
)
def test_malformed_county_lines_are_reported_with_file_and_line(tmp_path, name, text):
    _write(tmp_path, name, "# comment\n" + text)
    with pytest.raises(LexiconError, match=r":2:"):
        load_lexicon([tmp_path])


@pytest.mark.parametrize(
    ("expression", "keys"),
    [
        ("(被|叫)[^,]{0,6}(撞|砸)", {"被", "叫", "撞", "砸"}),  # one of the two parts, whichever is rarer
        ("^(喂 ?)*(你好|您好)$", {"你", "您"}),
        ("(?<![快要])塌了", {"塌"}),
        ("(钱)?还差", {"还", "差"}),
    ],
)
def test_a_pattern_is_keyed_on_characters_every_match_contains(expression, keys):
    import re

    from service.nlp.pattern_keys import key_characters

    found = key_characters(re.compile(expression))
    assert found and found <= keys


def test_a_pattern_with_no_compulsory_character_runs_on_every_message():
    import re

    from service.nlp.pattern_keys import key_characters

    assert key_characters(re.compile(r"[^,]{2}\d+")) is None


def test_keyed_patterns_find_exactly_what_running_every_pattern_finds():
    import json

    from .conftest import CORPUS

    lex = load_lexicon()
    texts = [lex.normalizer(json.loads(line)["text"]) for path in sorted(CORPUS.glob("dev*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    for norm in texts:
        chosen = set(lex.pattern_anywhere)
        for char in set(lex.pattern_keys.findall(norm)):
            chosen.update(lex.pattern_index[char])
        matching = {n for n, p in enumerate(lex.patterns) if p.regex.search(norm)}
        assert matching <= chosen, (norm, [lex.patterns[n].regex.pattern for n in matching - chosen])
