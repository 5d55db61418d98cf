"""Residents type anything at any step: a seeded random walk through the dialogue never breaks it.

Each walker mostly follows a real application (so the walk reaches the deep steps and the submit) and
now and then types something else: a command, a wrong answer, or text that breaks naive code.

Every reply must be a 200 with well-formed XML (or `success`), no error may be logged, and whatever
applications the walk opened must be whole (applicant, village, intake, deadline).
"""

import logging
import random

import pytest
from sqlalchemy import select

from service.extensions import db
from service.intake.models import Application
from service.wechat.xmlsafe import parse_xml

WORDS = [
    # what the form expects, in and out of order
    "1", "2", "3", "4", "0", "是", "不是", "张秀英", "11010519491231002X", "110105194912310021", "13812345678",
    "1381234", "孙疃镇秦口村", "秦口", "临涣镇", "火星村", "3", "三口人", "一家五口", "-1", "99999",
    "爷爷", "孩子爸妈在外地打工，奶奶生病了", "没有", "0561-1234567", "咋样了", "改电话", "低保", "都不是", "情扣村",
    "张三 13812345678", "340621203001010028", "俺\x01想\u200b申请", "俺家老汉瘫在床上好几年了，想吃低保", "昨晚着火了房子烧了没地方住",
    "孩子爹妈都没了没人管", "我要举报村里有人骗低保", "办事大厅几点上班",
    # commands at any step
    "返回", "取消", "重新开始", "进度", "人工", "绑定 26000000000 002X", "帮助",
    # what breaks naive code
    "", " ", "]]>", "<xml>", "&amp;", "\u200b", "😀" * 30, "字" * 2000, "%s %d {0} {intake}", "\\x00",
    "/image", "/voice 俺想申请低保", "/voice", "/location 33.70 116.55", "/location 0 0", "/subscribe",
    "/menu APPLY", "/menu PROGRESS", "/menu POLICY", "/menu CONTACT", "/menu NOPE",
]


SCRIPTS = [
    ["俺家老汉瘫在床上好几年了，想吃低保", "1", "张秀英", "11010519491231002X", "13812345678", "孙疃镇秦口村", "2",
     "两千", "0", "1"],
    ["昨晚着火了房子烧了没地方住", "1", "刘春花", "11010519491231002X", "13912345678", "临涣镇马场村", "三口人",
     "0", "1"],
    ["孩子爹妈都没了没人管", "1", "王桂兰", "11010519491231002X", "13712345678", "孙疃镇秦口村", "奶奶", "王小明",
     "八岁", "孩子爸妈都不在了，奶奶一个人带着", "1"],
    # residents' habits: two answers at once, a relative's phone, a typo in the village, words for numbers
    ["俺想申请低保", "中", "张秀英 11010519491231002X", "俺闺女的 １３８１２３４５６７８", "情扣村", "是", "三口",
     "批了没有", "一千五", "0", "改电话", "没有", "1"],
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_walk_of_four_residents_never_breaks_the_dialogue(wechat, county, caplog, seed):
    rng = random.Random(seed)
    residents = {f"o_walker_{seed}_{i}": [rng.choice(SCRIPTS), 0] for i in range(4)}
    caplog.set_level(logging.ERROR)
    for _ in range(150):
        openid = rng.choice(list(residents))
        script, at = residents[openid]
        if rng.random() < 0.7:
            line = script[at % len(script)]
            residents[openid][1] += 1
        else:
            line = rng.choice(WORDS)
        response = wechat.post_xml(_inbound(line, openid))
        assert response.status_code == 200, (line, response.data[:200])
        text = response.get_data(as_text=True)
        if text != "success":
            reply = parse_xml(text)
            assert reply["ToUserName"] == openid and reply["Content"], line
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    db.session.expire_all()
    applications = db.session.scalars(select(Application)).all()
    assert applications  # the walk reached the submit step
    for application in applications:
        assert application.applicant_id and application.village_id and application.intake
        assert application.step_deadline is not None and application.status == "submitted"


def _inbound(line: str, openid: str) -> str:
    from service.devtools.simulator import inbound_xml

    return inbound_xml(line, openid)
