"""HEAD answers like GET (monitors and link checkers probe the log-in page with it)."""


def test_head_on_the_login_page_answers_like_get(client, county):
    got, head = client.get("/staff/login"), client.head("/staff/login")
    assert head.status_code == got.status_code == 200
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert head.headers["Content-Security-Policy"] == got.headers["Content-Security-Policy"]
    assert head.data == b""


def test_head_on_a_page_behind_the_login_redirects_like_get(client, county):
    got, head = client.get("/staff/queue"), client.head("/staff/queue")
    assert head.status_code == got.status_code == 302 and head.location == got.location
