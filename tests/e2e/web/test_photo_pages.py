"""Photos on the case page: a chat photo fetched by the worker shows as a thumbnail to the staff who work
the case (another township's clerk gets a 404); a failed fetch says so; a clerk uploads a paper's photo."""

import io
import re

from sqlalchemy import select

from service.devtools.fake_api import sample_png
from service.extensions import db
from service.intake import resident
from service.intake.models import Attachment
from tests.e2e.web.conftest import as_user, open_case
from tests.integration.notify.conftest import drain, fast_config

OPENID = "o-photo-web-01"


def chat_photo(app, county, fake_wechat, fake_sms, media_id: str) -> str:
    app.config.update(fast_config(fake_wechat, fake_sms))
    case_no = _followed_case(county)
    resident.attach(OPENID, "image", media_id, None)
    drain(app)
    return case_no


def _followed_case(county) -> str:
    from service.intake import opening

    payload = {"phone": "13812345678", "name": "张秀英", "village_id": county["villages"]["孙疃村"],
               "intake": "dibao", "description": "俺家老汉瘫在床上，想申请低保", "household_size": 2}
    return opening.open_application(None, payload, channel="wechat", follower=OPENID)["case_no"]


def photo_url(html: str) -> str:
    return re.search(r'<img src="([^"]+/photos/\d+)"', html).group(1)


def test_a_chat_photo_is_a_thumbnail_for_the_townships_clerk_and_a_404_for_another(app, county, fake_wechat,
                                                                                   fake_sms, browser):
    fake_wechat.add_media("MEDIA-WEB-1")
    case_no = chat_photo(app, county, fake_wechat, fake_sms, "MEDIA-WEB-1")
    browser.login("suntuan")
    html = browser.get(f"/staff/applications/{case_no}").text
    assert "材料照片" in html and "居民通过微信发来图片材料" in html and "resident_material" not in html
    url = photo_url(html)
    image = browser.get(url)
    assert image.status_code == 200 and image.data == sample_png()
    assert image.headers["Content-Type"] == "image/png"
    assert "no-store" in image.headers["Cache-Control"] and "private" in image.headers["Cache-Control"]
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert as_user(app, "county").get(url).status_code == 200  # county staff see the county's cases
    other = as_user(app, "linhuan")  # 临涣镇's clerk: the case is not theirs, its photo does not exist
    assert other.get(url).status_code == 404
    assert other.get(f"/staff/applications/{case_no}/photos/999999").status_code == 404
    assert "材料照片" not in as_user(app, "hotline").get(f"/staff/applications/{case_no}").text


def test_an_expired_chat_photo_is_shown_as_such_on_the_page(app, county, fake_wechat, fake_sms, browser):
    case_no = chat_photo(app, county, fake_wechat, fake_sms, "MEDIA-GONE")
    browser.login("suntuan")
    html = browser.get(f"/staff/applications/{case_no}").text
    assert "图片已过期或无效，请联系居民重新发送" in html and "<img src=" not in html


def test_a_clerk_uploads_a_photo_of_a_paper_material(app, county, browser):
    case_no = open_case(county)["case_no"]
    browser.login("suntuan")
    page = f"/staff/applications/{case_no}"
    browser.get(page)
    done = browser.post(f"{page}/photos", {"photo": (io.BytesIO(sample_png()), "paper.png")},
                        content_type="multipart/form-data")
    assert done.status_code == 302
    html = browser.get(page).text
    assert "已上传材料照片" in html and "窗口上传材料照片" in html
    assert browser.get(photo_url(html)).data == sample_png()


def test_an_upload_that_is_not_an_image_or_has_no_token_is_refused(app, county, browser):
    case_no = open_case(county)["case_no"]
    browser.login("suntuan")
    page = f"/staff/applications/{case_no}"
    browser.get(page)
    html_file = {"photo": (io.BytesIO(b"<html><script>alert(1)</script>"), "x.png")}
    refused = browser.post(f"{page}/photos", html_file, content_type="multipart/form-data")
    assert refused.status_code == 422 and "只能上传JPEG、PNG或GIF图片" in refused.text
    no_token = browser.post(f"{page}/photos", {"photo": (io.BytesIO(sample_png()), "p.png")}, csrf=False,
                            content_type="multipart/form-data")
    assert no_token.status_code == 400
    big = {"photo": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024 + 1)), "big.png")}
    assert browser.post(f"{page}/photos", big, content_type="multipart/form-data").status_code in (413, 422)
    assert db.session.scalars(select(Attachment)).all() == []
