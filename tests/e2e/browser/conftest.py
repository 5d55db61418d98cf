"""Browser tests: the real app in a server thread on a migrated, demo-seeded SQLite file, driven by
Debian's /usr/bin/chromium through Playwright. Outside CI they skip, saying why, when either is missing;
under CI=true a missing browser is a failure. A failing test leaves a screenshot in tests/artifacts/.
"""

import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import BASE_CONFIG, IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def playwright_browser():
    reason = _missing()
    if reason:
        if IN_CI:
            pytest.fail("CI=true and the browser tests cannot run: " + reason)
        pytest.skip("browser tests skipped: " + reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app, url):
        self.app, self.url = app, url

    def query(self, fn):
        """Run fn() against the server's database, in an app context of its own."""
        with self.app.app_context():
            from service.extensions import db

            try:
                return fn()
            finally:
                db.session.remove()


@pytest.fixture(scope="session")
def live_server(playwright_browser, sqlite_template, tmp_path_factory):
    from werkzeug.serving import make_server

    from service import create_app
    from service.devtools.demo import seed_demo

    path = tmp_path_factory.mktemp("browser") / "live.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        seed_demo()
        from service.extensions import db

        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # its access lines carry query strings
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(request, playwright_browser, live_server):
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                             base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", request.node.name).strip("_") + ".png")
        try:
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}")
        except Exception as exc:  # noqa: BLE001  (a broken page must not hide the real failure)
            print(f"no screenshot: {exc}")
    context.close()


def log_in(page, username: str, password: str = "demo2026") -> None:
    """With the keyboard alone: type, Tab, type, Enter."""
    page.goto("/staff/login")
    page.locator("#username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_selector("main h1")
    assert "/staff/login" not in page.url, page.inner_text("main")
