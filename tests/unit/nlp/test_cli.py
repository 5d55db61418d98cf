"""`nlp classify` and `nlp eval`, run through click's test runner against the group itself."""

import json

import pytest
from click.testing import CliRunner

from service.nlp.cli import nlp_cli

from .conftest import CORPUS


def test_classify_prints_one_json_object_per_message(classifier):
    messages = "俺家房子着火了 啥都烧没了\n\n举报我们村有人冒领低保\n孫子父母雙亡，想申請孤兒補貼\n"
    result = CliRunner().invoke(nlp_cli, ["classify"], input=messages)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3  # the blank line is no message
    rows = [json.loads(line) for line in lines]
    assert [r["category"] for r in rows] == ["temporary_relief", "other", "child_welfare"]
    assert [r["intent"] for r in rows] == ["apply", "complaint", "apply"]
    assert [r["urgent"] for r in rows] == [True, False, False]
    for row in rows:
        assert {"category", "intent", "confidence", "urgent", "keywords", "margin", "runner_up", "ladder"} <= set(row)
        assert {"intent_keywords", "urgent_keywords", "urgent_kind", "thin", "candidates"} <= set(row)
        assert 0.0 <= row["confidence"] <= 1.0
        assert row["ladder"]["action"] in {"auto", "ask", "human"}
    assert "着火" in lines[0]  # ensure_ascii=False: Chinese as written, not \\u escapes


def test_classify_reads_ladder_thresholds_from_the_environment(classifier):
    runner = CliRunner()
    strict = runner.invoke(nlp_cli, ["classify"], input="想申请低保\n", env={"ROUTE_AUTO_CONFIDENCE": "1.0"})
    relaxed = runner.invoke(nlp_cli, ["classify"], input="想申请低保\n", env={"ROUTE_AUTO_CONFIDENCE": "0.5"})
    assert json.loads(strict.output)["ladder"]["action"] != "auto"
    assert json.loads(relaxed.output)["ladder"]["action"] == "auto"


def test_eval_prints_figures_confusion_and_misrouted_examples_for_dev(classifier):
    result = CliRunner().invoke(nlp_cli, ["eval", "--split", "dev"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "dev.jsonl" in out
    needles = ("precision", "recall", "macro-F1", "urgent recall", "urgent precision", "other precision",
               "intent accuracy", "intent confusion", "scheme confusion")
    for needle in (*needles, "misrouted", "wrong intent"):
        assert needle in out
    for intake in ("temporary_relief", "dibao", "child_welfare", "other"):
        assert intake in out


def test_eval_defaults_to_the_test_split(classifier):
    result = CliRunner().invoke(nlp_cli, ["eval", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "test.jsonl" in result.output
    assert "misrouted" not in result.output


def test_eval_reads_another_corpus_dir_and_refuses_a_missing_one(classifier, tmp_path):
    row = {"text": "想申请低保", "intake": "dibao", "also": [], "urgent": False}
    (tmp_path / "test.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    ok = CliRunner().invoke(nlp_cli, ["eval", "--corpus-dir", str(tmp_path)])
    assert ok.exit_code == 0 and "messages 1" in ok.output
    assert "intent accuracy" not in ok.output  # a corpus without intents has no intent figures
    missing = CliRunner().invoke(nlp_cli, ["eval", "--split", "dev", "--corpus-dir", str(tmp_path)])
    assert missing.exit_code == 2 and "no corpus" in missing.output


@pytest.mark.parametrize("split", ["../test", "dev.jsonl", "a/b", ""])
def test_eval_refuses_a_split_that_is_not_a_plain_name(classifier, split):
    result = CliRunner().invoke(nlp_cli, ["eval", "--split", split])
    assert result.exit_code == 2 and "split" in result.output


def _write_corpus(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_eval_of_a_sealed_split_prints_figures_but_never_a_message(classifier, tmp_path):
    secret = "俺家的大棚昨黑里叫雪压塌了这句话不许出现在输出里"
    rows = [
        {"text": secret, "intake": "dibao", "also": [], "urgent": False, "intent": "ask"},
        {"text": "想申请低保", "intake": "dibao", "also": [], "urgent": False, "intent": "apply"},
    ]
    _write_corpus(tmp_path / "sealed_x.jsonl", rows)
    result = CliRunner().invoke(nlp_cli, ["eval", "--split", "sealed_x", "--corpus-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "intent accuracy" in result.output
    assert secret not in result.output and "想申请低保" not in result.output
    shown = CliRunner().invoke(nlp_cli, ["eval", "--split", "sealed_x", "--corpus-dir", str(tmp_path)])
    assert "misrouted" not in shown.output


def test_the_corpus_dir_default_points_at_the_repository_corpus():
    from service.nlp.cli import DEFAULT_CORPUS

    assert DEFAULT_CORPUS == CORPUS


def test_learn_refuses_the_held_out_splits(tmp_path):
    for name in ("test", "sealed_2026_12"):
        _write_corpus(tmp_path / f"{name}.jsonl", [{"text": "想申请低保", "intake": "dibao", "also": [], "urgent": False}])
        result = CliRunner().invoke(nlp_cli, ["learn", "--split", name, "--corpus-dir", str(tmp_path),
                                             "--out", str(tmp_path / "learned.tsv")])
        assert result.exit_code == 2 and "never learn from it" in result.output
    assert not (tmp_path / "learned.tsv").exists()


@pytest.mark.slow  # seconds each, on both databases: run by .ci/run's make test-slow
def test_learn_writes_weights_a_classifier_reads_and_cross_validates_without_writing(tmp_path, jieba_cache):
    from service.nlp.classifier import score
    from service.nlp.engine import build_engine

    rows = []
    for i in range(6):
        rows.append({"text": f"俺想吃低保 俺一个人 没有收入{i}", "intake": "dibao", "also": [], "urgent": False,
                     "intent": "apply"})
        rows.append({"text": f"俺家房子着火了 快来人{i}", "intake": "temporary_relief", "also": [], "urgent": True,
                     "intent": "apply"})
        rows.append({"text": f"谢谢你们{i}", "intake": "other", "also": [], "urgent": False, "intent": "thanks"})
    _write_corpus(tmp_path / "dev_small.jsonl", rows)
    out = tmp_path / "county" / "learned.tsv"
    out.parent.mkdir()
    result = CliRunner().invoke(nlp_cli, ["learn", "--corpus-dir", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "dev_small" in result.output and out.is_file()
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert {line.split("\t")[1] for line in lines} >= {"dibao", "apply", "urgent"}
    # a county directory holding it replaces the packaged weights it names
    engine = build_engine(jieba_cache, [str(out.parent)])
    assert score(engine, "俺想吃低保").category == "dibao"

    before = out.read_text(encoding="utf-8")
    folds = CliRunner().invoke(nlp_cli, ["learn", "--corpus-dir", str(tmp_path), "--out", str(out), "--folds", "3"])
    assert folds.exit_code == 0, folds.output
    assert "3-fold cross-validation, split dev_small" in folds.output and "macro-F1" in folds.output
    assert out.read_text(encoding="utf-8") == before


def test_learn_leaves_each_file_out_in_turn_and_writes_nothing(tmp_path):
    # each file is scored by a model learned from the other one only
    first = [{"text": f"俺想吃低保 没有收入{i}", "intake": "dibao", "also": [], "urgent": False, "intent": "apply"}
             for i in range(4)]
    second = [{"text": f"俺家房子着火了 快来人{i}", "intake": "temporary_relief", "also": [], "urgent": True,
               "intent": "apply"} for i in range(4)]
    _write_corpus(tmp_path / "dev_one.jsonl", first)
    _write_corpus(tmp_path / "dev_two.jsonl", second)
    out = tmp_path / "learned.tsv"
    result = CliRunner().invoke(nlp_cli, ["learn", "--corpus-dir", str(tmp_path), "--out", str(out), "--leave-one-out"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["dev_one", "dev_two", "pooled"]
    assert "messages     8" in lines[-1] and "urgent recall" in lines[-1]
    assert not out.exists()
