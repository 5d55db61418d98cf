"""The relief intake service: the composition root."""

import os

from flask import Flask, jsonify
from sqlalchemy import event, text

from service import config as config_module
from service.errors import register_error_handlers
from service.extensions import api, db, limiter, migrate
from service.intake.protection import FieldProtector


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.json.ensure_ascii = False  # staff and integrators read Chinese, not \u escapes
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    config_module.check_production(app.config)
    config_module.check_thresholds(app.config)
    app.extensions["workdays"] = config_module.load_calendar(app.config)  # one calendar per app

    from service import request_limits, request_log

    if app.config.get("PROXY_HOPS"):
        # Behind nginx or a load balancer every request comes from the proxy: without this, rate limits
        # would be shared by the whole county and audit logs would record the proxy's address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    request_log.configure_logging(app.config["LOG_LEVEL"])
    request_log.install(app)
    request_limits.install(app)

    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    limiter.init_app(app)
    _register_api_docs_assets(app)
    api.init_app(app)
    app.extensions["field_protector"] = FieldProtector(app.config["FIELD_ENCRYPTION_KEY"])

    from service import attempts as _attempts  # noqa: F401  (tables for Alembic)
    from service.auth import models as _auth_models  # noqa: F401
    from service.auth.audit_views import blp as audit_blp
    from service.auth.guard import forget_user
    from service.auth.password_views import blp as password_blp
    from service.auth.views import blp as auth_blp
    from service.chat import models as _chat_models  # noqa: F401  (tables for Alembic)
    from service.handoffs import models as _handoff_models  # noqa: F401
    from service.handoffs.views import blp as handoffs_blp
    from service.intake.casework_views import blp as casework_blp  # household, investigation, means test
    from service.intake.standards_views import blp as standards_blp
    from service.intake.views import blp as intake_blp
    from service.intake.views import public as public_blp
    from service.wechat import models as _wechat_models  # noqa: F401

    app.before_request(forget_user)
    for blueprint in (auth_blp, password_blp, intake_blp, public_blp, handoffs_blp, audit_blp, casework_blp,
                      standards_blp):
        api.register_blueprint(blueprint)
    from service import events, notify
    from service.notify.adapters import Adapters
    from service.notify.sms_sender import SMSSender
    from service.notify.wechat_sender import WeChatMediaFetcher, WeChatSender

    # the notices: the worker sends through these ports (/api/v1/notifications, `flask notify` with them);
    # they hear of intake by subscription and write their outbox rows in the publishing transaction
    notify.init_app(app, Adapters(app, wechat=WeChatSender, sms=SMSSender, media=WeChatMediaFetcher))
    bus = events.install(app)
    bus.subscribe(events.ActionRecorded, notify.on_action_recorded)
    bus.subscribe(events.FollowerRemoved, notify.on_follower_removed)
    bus.subscribe(events.AttachmentRecorded, notify.on_attachment_recorded)  # chat photos fetched by the worker
    _register_periodic_jobs(app)
    from service.chat import turn
    from service.wechat.inbound import Inbound
    from service.wechat.views import blp as wechat_blp

    # the protocol edge answers through the conversation; delivery receipts go to the notices
    app.extensions["wechat_inbound"] = Inbound(converse=turn.reply, on_silent_event=notify.on_wechat_event)
    app.extensions["chat_open_windows"] = turn.open_windows  # handoffs show whether a reply can still go out
    app.register_blueprint(wechat_blp)
    from service import web

    web.init_app(app)  # staff pages under /staff/, CSRF checked on their forms only
    from service import county, ops

    county.init_app(app)  # onboarding commands: county, divisions, staff
    ops.init_app(app)  # worker heartbeat, /metrics
    register_error_handlers(app)
    _register_no_store(app)
    _register_health(app)
    _register_cli(app)
    if app.config.get("NLP_WARM_UP", True):
        _warm_classifier(app)
    return app


def _tune_sqlite(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # WAL lets the web workers read while one writes; foreign keys are off by default in SQLite.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "savepoint")
    def _begin_before_savepoint(connection, _name):
        # pysqlite begins a transaction only at the first write; a SAVEPOINT before it would begin one
        # itself, and releasing it would commit the outer unit of work's reads-so-far transaction early.
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            raw.execute("BEGIN")


def _register_api_docs_assets(app: Flask) -> None:
    # Government intranets often have no internet: serve Swagger UI from the package, never a CDN.
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    app.config["OPENAPI_SWAGGER_UI_URL"] = "/api/docs/assets/"

    @app.get("/api/docs/assets/<path:filename>")
    def swagger_assets(filename):
        return send_from_directory(str(swagger_ui_path), filename, max_age=86400)


def _register_no_store(app: Flask) -> None:
    from flask import request

    @app.after_request
    def _no_store(response):
        # API answers carry personal data (a reveal above all): no browser, proxy or CDN may keep one
        if request.path.startswith("/api/") and not request.path.startswith("/api/docs"):
            response.headers["Cache-Control"] = "no-store"
        return response


def _register_health(app: Flask) -> None:
    @app.get("/livez")
    def livez():
        # liveness: the process answers; touches nothing, so it is also the benchmarks' ceiling
        return "ok"

    @app.get("/healthz")
    def healthz():
        # readiness: a database that cannot be reached is a 503 in the one error shape (errors.py)
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="ok")


def _register_cli(app: Flask) -> None:
    from service.housekeeping import housekeeping_command
    from service.intake.cli import calendar_command
    from service.nlp.cli import nlp_cli

    app.cli.add_command(calendar_command)
    app.cli.add_command(nlp_cli)
    app.cli.add_command(housekeeping_command)


def _register_periodic_jobs(app: Flask) -> None:
    """What the notification worker runs every NOTIFY_SCAN_SECONDS, in this order (none of it is the
    worker's own import): apologies for overdue steps, chat resume nudges, housekeeping, staff digests."""
    from service import housekeeping
    from service.chat import reminders
    from service.notify import jobs, periodic

    jobs.register(app, "overdue apologies", periodic.overdue_apologies_job)
    jobs.register(app, "chat resume reminders", lambda now, local: reminders.remind_stalled(now, local.hour))
    jobs.register(app, "housekeeping", lambda now, _local: housekeeping.sweep(now))
    jobs.register(app, "staff digests", periodic.staff_digests_job)


def _warm_classifier(app: Flask) -> None:
    # jieba's dictionary loads once per process before the first request (gunicorn --preload shares it);
    # its cache lives in the instance folder so a restart reads it instead of rebuilding it.
    from service.nlp import warm_up

    extra = [app.config["NLP_LEXICON_DIR"]] if app.config.get("NLP_LEXICON_DIR") else []
    try:
        warm_up(app.instance_path, extra)
    except ValueError as exc:  # another app of this process loaded other county lexicons
        raise config_module.ConfigError(f"NLP_LEXICON_DIR: {exc}") from None
    import pypinyin  # noqa: F401  (village matching's tables, loaded before the fork like jieba's)
