"""The classifier's one-pass segmentation gives exactly jieba's own no-HMM words."""

import json

import pytest

from service.nlp import segment

from .conftest import CORPUS

HOSTILE = [
    "", " ", "\r\n", "a", "1", "低", "低保", "ABC低保123", "dibao db 临救", "我要申请低保！！！",
    "喂喂 那个 俺 俺家 房子塌了\r\n今天 没处住", "电话13800000000身份证34062119800101001X",
    "😭😭孩子发烧了🙏", "ｆｕｌｌ ｗｉｄｔｈ １２３", "C++ & C# 3.5% a.b-c_d", "\t\t低保\u3000临时救助",
    "。。。？？！！", "x" * 300, "低保" * 200, "我" + "的" * 50 + "家",
]


def corpus_texts():
    for path in sorted(CORPUS.glob("dev*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)["text"]


@pytest.mark.parametrize("text", HOSTILE)
def test_segment_matches_jieba_on_odd_input(classifier, text):
    tokenizer = classifier.tokenizer
    assert segment.lcut(tokenizer, text) == tokenizer.lcut(text, HMM=False)


def test_segment_matches_jieba_on_every_dev_message_raw_and_normalised(classifier):
    tokenizer, normalize = classifier.tokenizer, classifier.lexicon.normalizer
    texts = list(corpus_texts())
    assert len(texts) > 2000
    differing = [t for t in texts for form in (t, normalize(t))
                 if segment.lcut(tokenizer, form) != tokenizer.lcut(form, HMM=False)]
    assert differing == []


def test_segment_matches_the_default_dictionary_too():
    import jieba

    jieba.initialize()
    text = "俺娘今年七十八了，一个人住在孙疃镇秦口村，前天摔了一跤住院了"
    assert segment.lcut(jieba.dt, text) == jieba.lcut(text, HMM=False)
