"""A resident's WeChat in tests: signs and posts callback XML as the WeChat server would."""

from service.devtools.simulator import inbound_xml
from service.wechat.callback import signed_request
from service.wechat.xmlsafe import parse_xml


class WeChat:
    """Signs and posts callback XML as the WeChat server would, and reads the reply's text."""

    def __init__(self, client, token: str, openid: str = "o_resident_a"):
        self.client, self.token, self.openid = client, token, openid

    def post_xml(self, xml: str, *, crypto=None, args=None):
        query, body = signed_request(self.token, xml, crypto=crypto)
        return self.client.post("/wechat", query_string=args or query, data=body.encode("utf-8"),
                                content_type="text/xml")

    def say(self, line: str, openid: str | None = None) -> str:
        response = self.post_xml(inbound_xml(line, openid or self.openid))
        assert response.status_code == 200, response.data
        text = response.get_data(as_text=True)
        return "" if text == "success" else parse_xml(text)["Content"]

    def conversation(self, *lines: str) -> list[str]:
        return [self.say(line) for line in lines]
