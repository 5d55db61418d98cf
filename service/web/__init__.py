"""Staff web pages under /staff/: the window queue, application detail, hotline call form, county figures.

Server-rendered, simplified Chinese, every asset served from here (intranets have no CDN). The pages call
the same use cases as the JSON API (service.intake.services / queue); this package only adds read-only
queries for counts and figures.
"""

from flask import Flask

from service.extensions import csrf


def init_app(app: Flask) -> None:
    """Register the /staff/ blueprint and CSRF protection for its forms (and only its forms).

    The JSON API (/api/...) authenticates with Bearer tokens or a JSON login and the WeChat callback with
    signatures, so CSRFProtect does not run by default; the staff blueprint calls csrf.protect() itself.
    """
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    # The token lives as long as the staff session (PERMANENT_SESSION_LIFETIME), not a fixed hour:
    # a clerk who leaves a form open over lunch should not lose what was typed.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)

    from service.web import (  # noqa: F401  (each module adds its routes to the blueprint)
        admin_place_views,
        admin_settings_views,
        admin_staff_views,
        attachment_views,
        audit_views,
        auth_views,
        call_views,
        casework_page_views,
        dashboard_views,
        detail_views,
        handoff_views,
        notice_views,
        password_views,
        queue_views,
        report_views,
        staff_api_views,
        standards_views,
    )
    from service.web.pages import bp

    app.register_blueprint(bp)
