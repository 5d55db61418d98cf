import pytest

from tests.wechat_client import WeChat


@pytest.fixture
def wechat(app, client, county):
    return WeChat(client, app.config["WECHAT_TOKEN"])
