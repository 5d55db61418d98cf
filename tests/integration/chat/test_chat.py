"""Full conversations per intake, through signed callbacks, ending in the window queue."""

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.intake import queue
from service.intake.models import Application, ApplicationEvent

DIBAO = ["俺家老汉瘫在床上好几年了，俺一个人种二亩地，想吃低保", "1", "张秀英", "11010519491231002X", "13812345678",
         "孙疃镇秦口村", "2", "一千二", "0"]


def test_a_dibao_application_from_first_words_to_the_township_queue(wechat, county):
    replies = wechat.conversation(*DIBAO)
    assert "低保" in replies[0] and "回复 1 确认" in replies[0]
    assert "姓名" in replies[1] and "身份证" in replies[2] and "手机" in replies[3]
    assert "哪个镇" in replies[4] and "几口人" in replies[5] and "收入" in replies[6] and "困难" in replies[7]
    assert "收入记下了" in replies[7]  # the demo county has set no standard of its own: nothing compared
    summary = replies[8]
    assert "孙疃镇秦口村" in summary and "110***********002X" in summary and "138****5678" in summary
    done = wechat.say("1")
    assert "案件号" in done and "孙疃镇" in done and ("月" in done and "日前" in done)
    case_no = done.split("案件号：")[1][:11]
    items = queue.list_queue(county["actors"]["suntuan"], {})["items"]
    row = next(i for i in items if i["case_no"] == case_no)
    assert row["intake"] == "dibao" and row["channel"] == "wechat" and row["status"] == "submitted"
    app = db.session.scalars(select(Application).where(Application.case_no == case_no)).one()
    assert [(f.openid, f.source) for f in app.followers] == [("o_resident_a", "submitted")]
    assert app.route["chosen"] == "dibao" and app.contact_phone == "13812345678" and app.contact_name == "张秀英"
    assert "瘫在床上" in app.description and "家庭月收入（居民自述，仅供参考）：约1200元" in app.description


def test_child_welfare_asks_for_the_guardian_the_childs_name_and_age_and_the_window_sees_them(wechat, county):
    replies = wechat.conversation("孙子父母双亡，我年纪大了养不动他，想给娃申请孤儿补贴", "1", "王桂兰",
                                  "340621195203150021", "13900001111", "临涣镇马场村", "奶奶", "王小明", "八岁",
                                  "爹妈前年车祸都没了，跟着我过")
    assert "儿童福利" in replies[0]
    assert "监护人" in replies[1] and "关系" in replies[5] and "孩子叫什么名字" in replies[6]
    assert "几岁" in replies[7] and "孩子现在的情况" in replies[8]
    assert "与孩子关系：奶奶" in replies[9] and "孩子姓名：王小明" in replies[9] and "孩子年龄：8岁" in replies[9]
    done = wechat.say("1")
    assert "临涣镇" in done and "案件号" in done
    app = db.session.scalars(select(Application)).one()
    assert "孩子：王小明，8岁" in app.description and "车祸" in app.description


def test_urgent_temporary_relief_is_answered_at_once_and_flagged(wechat, county):
    first = wechat.say("昨天晚上家里着火了房子烧没了一家人今晚没地方住")
    assert "110" in first and "0561-12345" in first and "临时救助" in first
    for line in ("1", "李德明", "340621197806101236", "13700002222", "孙疃王楼", "4", "0"):
        wechat.say(line)
    done = wechat.say("1")
    assert "紧急" in done
    app = db.session.scalars(select(Application).order_by(Application.id.desc())).first()
    assert app.urgent and app.intake == "temporary_relief" and app.priority == 0


def test_mistakes_get_a_message_that_says_what_is_wrong_and_back_works(wechat, county):
    wechat.conversation(*DIBAO[:3])
    assert "校验位" in wechat.say("110105194912310021")
    assert "手机" in wechat.say("11010519491231002X")
    assert "11位" in wechat.say("138123")
    assert "身份证" in wechat.say("返回")
    assert "手机" in wechat.say("11010519491231002X")
    assert "哪个镇" in wechat.say("13812345678")
    assert "没有找到" in wechat.say("北京朝阳")
    assert "哪个村" in wechat.say("孙疃镇")
    assert "几口人" in wechat.say("秦扣村")


def test_cancel_and_restart_at_any_point(wechat, county):
    wechat.conversation(*DIBAO[:4])
    assert "确定不办了吗" in wechat.say("取消")  # two answers typed: a slip must not wipe them
    assert "已取消" in wechat.say("1")
    assert "困难" in wechat.say("重新开始")
    assert "您好" in wechat.say("你好")


def test_a_second_request_for_the_same_intake_adds_to_the_open_application(wechat, county):
    wechat.conversation(*DIBAO)
    wechat.say("1")
    reply = wechat.say("俺还想申请低保，老汉又住院了")
    assert "已有一件办理中" in reply
    assert "已把您说的情况补充" in wechat.say("1")
    assert db.session.scalar(select(func.count(Application.id))) == 1
    notes = db.session.scalars(select(ApplicationEvent.note).where(ApplicationEvent.action == "resident_note")).all()
    assert notes == ["俺还想申请低保，老汉又住院了"]


def test_progress_lists_the_residents_applications_in_plain_chinese(wechat, county):
    assert "没有找到" in wechat.say("进度")
    wechat.conversation(*DIBAO)
    wechat.say("1")
    progress = wechat.say("进度")
    assert "待受理" in progress and "受理" in progress
    assert "待受理" in wechat.say("/menu PROGRESS")


def test_a_hotline_applicant_binds_the_application_with_case_number_and_id_last4(wechat, county):
    from service.intake import opening

    detail = opening.open_application(county["actors"]["hotline"], {
        "phone": "13812345678", "name": "赵大爷", "id_number": "11010519491231002X",
        "village_id": county["villages"]["四李村"], "intake": "dibao", "description": "电话申请低保"},
        channel="hotline")
    assert "案件号" in wechat.say("绑定")
    wechat.say(detail["case_no"])
    assert "不正确" in wechat.say("1234")
    wechat.say(detail["case_no"])
    bound = wechat.say("002x")
    assert "绑定成功" in bound and detail["case_no"] in bound
    one_line = wechat.say(f"绑定 {detail['case_no']} 002X")
    assert "绑定成功" in one_line


def test_binding_guesses_are_limited_for_an_hour(wechat, county):
    from sqlalchemy import update

    from service.attempts import AttemptCounter
    from service.clock import utcnow

    for _ in range(5):
        wechat.say("绑定 26000000000 1234")
    assert "尝试次数太多" in wechat.say("绑定 26000000000 1234")
    db.session.execute(update(AttemptCounter).values(expires_at=utcnow()))  # an hour later
    db.session.commit()
    assert "尝试次数太多" not in wechat.say("绑定 26000000000 1234")  # "稍后" has come


def test_an_image_during_an_open_application_becomes_material(wechat, county):
    from service.intake.models import Attachment

    assert "先用文字" in wechat.say("/image")
    wechat.conversation(*DIBAO[:4])
    assert "一起作为材料" in wechat.say("/image")
    wechat.conversation(*DIBAO[4:])
    wechat.say("1")
    assert "已作为材料附在" in wechat.say("/image")
    assert db.session.scalar(select(func.count(Attachment.id))) == 2


def test_a_greeting_or_a_complaint_does_not_open_an_application(wechat, county):
    for line in ("你好", "我要举报村里有人骗低保", "办事大厅几点上班"):
        reply = wechat.say(line)
        assert "回复 1 确认" not in reply
    assert "办公时间" in wechat.say("办事大厅几点上班")
    assert db.session.scalar(select(func.count(Application.id))) == 0


@pytest.mark.parametrize("line, words", [
    ("/subscribe", "民政局"), ("/menu APPLY", "困难"), ("/menu CONTACT", "热线"), ("/menu POLICY", "材料"),
    ("/menu NO_SUCH_KEY", "暂不支持"), ("/voice", "没听清"), ("/location 33.70 116.55", "临涣镇"),
    ("/location 33.60 116.66", "孙疃镇"),
])
def test_events_and_media_get_sensible_answers(wechat, county, line, words):
    assert words in wechat.say(line)


def test_voice_recognition_goes_through_the_same_dialogue(wechat, county):
    assert "低保" in wechat.say("/voice 嗯那个俺想问问吃低保咋申请俺老汉瘫了")


def test_a_half_finished_conversation_resumes_with_a_reminder_and_expires_after_a_day(wechat, county):
    import datetime as dt

    from service.chat.models import Conversation

    wechat.conversation(*DIBAO[:3])
    conv = db.session.get(Conversation, "o_resident_a")
    conv.updated_at -= dt.timedelta(hours=2)
    db.session.commit()
    assert "欢迎回来" in wechat.say("11010519491231002X")
    conv = db.session.get(Conversation, "o_resident_a")
    conv.updated_at -= dt.timedelta(hours=25)
    db.session.commit()
    assert "作废" in wechat.say("13812345678")


@pytest.mark.parametrize("body, expected", [
    ("<MsgType>video</MsgType><MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId><MsgId>901</MsgId>", "收到"),
    ("<MsgType>shortvideo</MsgType><MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId><MsgId>902</MsgId>", "收到"),
    ("<MsgType>link</MsgType><Title>t</Title><Description>d</Description><Url>http://x</Url><MsgId>903</MsgId>",
     "收到"),
    ("<MsgType>event</MsgType><Event>subscribe</Event><EventKey>qrscene_suntuan</EventKey>", "民政局"),
    ("<MsgType>event</MsgType><Event>SCAN</Event><EventKey>suntuan</EventKey><Ticket>t</Ticket>", "民政局"),
    ("<MsgType>event</MsgType><Event>VIEW</Event><EventKey>http://x</EventKey>", ""),
    ("<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>33.6</Latitude><Longitude>116.6</Longitude>"
     "<Precision>50</Precision>", ""),
    ("<MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event><SubscribeMsgPopupEvent><List>"
     "<TemplateId>t1</TemplateId><SubscribeStatusString>accept</SubscribeStatusString><PopupScene>2</PopupScene>"
     "</List></SubscribeMsgPopupEvent>", ""),
    ("<MsgType>event</MsgType><Event>some_future_event</Event>", "暂不支持"),
    ("<MsgType>miniprogrampage</MsgType><MsgId>904</MsgId>", "暂不支持"),
])
def test_every_message_type_and_event_gets_an_answer(wechat, body, expected):
    from service.wechat.xmlsafe import parse_xml

    xml = f"<xml><ToUserName>gh</ToUserName><FromUserName>o_types</FromUserName><CreateTime>7</CreateTime>{body}</xml>"
    response = wechat.post_xml(xml)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if expected:
        assert expected in parse_xml(text)["Content"]
    else:
        assert text == "success"


def test_the_time_limit_told_to_the_resident_is_the_countys_own(wechat, county):
    from service.intake.models import County

    demo = db.session.scalars(select(County)).one()
    demo.settings = {**demo.settings, "time_limits": {"dibao": {"total_days": 20}}}  # delegated approval
    db.session.commit()
    wechat.conversation(*DIBAO)
    assert "受理后20个工作日内办结" in wechat.say("1")


@pytest.mark.parametrize("words", ["谢谢", "谢谢恁了", "太感谢了，辛苦你们了"])
def test_thanks_are_answered_politely_and_open_no_handoff(wechat, county, words):
    from service.handoffs.models import Handoff

    reply = wechat.say(words)
    assert reply.startswith("不客气") and "0561-12345" in reply
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 0


@pytest.mark.parametrize("words", ["批了没有", "俺那个申请咋样了", "到哪一步了"])
def test_a_progress_question_in_any_wording_answers_progress(wechat, county, words):
    from service.handoffs.models import Handoff

    done = wechat.conversation(*DIBAO, "1")[-1]
    case_no = done.split("案件号：")[1][:11]
    reply = wechat.say(words)
    assert case_no in reply and "待受理" in reply
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 0
    assert wechat.say("谢谢").startswith("不客气")
