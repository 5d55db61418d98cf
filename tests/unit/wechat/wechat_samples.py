"""Callback bodies for every message type and event in WECHAT.md, shaped like WeChat's docs."""

from __future__ import annotations

FROM = "oUSER_0penid_abcdefgh12"
TO = "gh_10f6c3c3ac5a"


def xml(msg_type: str, fields: str, create_time: int = 1700000000, sender: str = FROM) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{TO}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{fields}</xml>"
    )


def event(name: str, fields: str = "", **kw) -> str:
    return xml("event", f"<Event><![CDATA[{name}]]></Event>{fields}", **kw)


TEXT = xml("text", "<Content><![CDATA[俺娃病了咋办]]></Content><MsgId>24000000000000001</MsgId>")
IMAGE = xml(
    "image",
    "<PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl><MediaId><![CDATA[media_img]]></MediaId>"
    "<MsgId>24000000000000002</MsgId>",
)
VOICE = xml(
    "voice",
    "<MediaId><![CDATA[media_voice]]></MediaId><Format><![CDATA[amr]]></Format>"
    "<Recognition><![CDATA[我想申请低保]]></Recognition><MsgId>24000000000000003</MsgId>",
)
VIDEO = xml(
    "video",
    "<MediaId><![CDATA[media_video]]></MediaId><ThumbMediaId><![CDATA[thumb]]></ThumbMediaId>"
    "<MsgId>24000000000000004</MsgId>",
)
SHORTVIDEO = VIDEO.replace("[video]", "[shortvideo]").replace("0004<", "0005<")
LOCATION = xml(
    "location",
    "<Location_X>34.7466</Location_X><Location_Y>113.6253</Location_Y><Scale>15</Scale>"
    "<Label><![CDATA[河南省郑州市]]></Label><MsgId>24000000000000006</MsgId>",
)
LINK = xml(
    "link",
    "<Title><![CDATA[政策]]></Title><Description><![CDATA[说明]]></Description>"
    "<Url><![CDATA[https://example.org/p]]></Url><MsgId>24000000000000007</MsgId>",
)
SUBSCRIBE = event("subscribe", "<EventKey><![CDATA[]]></EventKey>")
SUBSCRIBE_QR = event(
    "subscribe", "<EventKey><![CDATA[qrscene_town_07]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>"
)
UNSUBSCRIBE = event("unsubscribe")
SCAN = event("SCAN", "<EventKey><![CDATA[town_07]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>")
LOCATION_EVENT = event(
    "LOCATION",
    "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>",
)
CLICK = event("CLICK", "<EventKey><![CDATA[MENU_APPLY]]></EventKey>")
VIEW = event("VIEW", "<EventKey><![CDATA[https://example.org/h5]]></EventKey>")
TEMPLATE_FINISH = event(
    "TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>"
)
POPUP = event(
    "subscribe_msg_popup_event",
    "<SubscribeMsgPopupEvent>"
    "<List><TemplateId><![CDATA[TPL-A]]></TemplateId><SubscribeStatusString><![CDATA[accept]]>"
    "</SubscribeStatusString><PopupScene>2</PopupScene></List>"
    "<List><TemplateId><![CDATA[TPL-B]]></TemplateId><SubscribeStatusString><![CDATA[reject]]>"
    "</SubscribeStatusString><PopupScene>2</PopupScene></List>"
    "</SubscribeMsgPopupEvent>",
)
CHANGE = event(
    "subscribe_msg_change_event",
    "<SubscribeMsgChangeEvent><List><TemplateId><![CDATA[TPL-A]]></TemplateId>"
    "<SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent>",
)
SENT = event(
    "subscribe_msg_sent_event",
    "<SubscribeMsgSentEvent><List><TemplateId><![CDATA[TPL-C]]></TemplateId><MsgID>1700827132819554304</MsgID>"
    "<ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent>",
)
