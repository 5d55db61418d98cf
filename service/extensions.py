"""Unbound extensions, bound to an app in create_app."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from service.api_schemas import ErrorResponseSchema

# Named constraints so Alembic migrations are reproducible on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ReliefApi(Api):
    ERROR_SCHEMA = ErrorResponseSchema  # documents the one error shape (service/errors.py) on every operation


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
api = ReliefApi()
csrf = CSRFProtect()  # the staff pages' forms only (service.web turns it on per blueprint)
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
# Both log-in doors (/staff/login, /api/v1/auth/login) draw on one per-address budget. Without REDIS_URL
# flask-limiter counts per worker: the shared guarantees are the account budgets in service.auth.lockout.
login_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_LOGIN"], scope="login", methods=["POST"])
