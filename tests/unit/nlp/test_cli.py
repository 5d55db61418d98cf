"""`nlp classify` and `nlp eval`, run through click's test runner against the group itself."""

import json

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
    assert [r["urgent"] for r in rows] == [True, False, False]
    for row in rows:
        assert {"category", "confidence", "urgent", "keywords", "margin", "runner_up", "ladder"} <= set(row)
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
    needles = ("precision", "recall", "macro-F1", "urgent recall", "urgent precision", "confusion")
    for needle in (*needles, "misrouted"):
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
    missing = CliRunner().invoke(nlp_cli, ["eval", "--split", "dev", "--corpus-dir", str(tmp_path)])
    assert missing.exit_code == 2 and "no corpus" in missing.output


def test_the_corpus_dir_default_points_at_the_repository_corpus():
    from service.nlp.cli import DEFAULT_CORPUS

    assert DEFAULT_CORPUS == CORPUS
