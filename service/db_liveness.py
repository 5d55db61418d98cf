"""A pooled PostgreSQL connection the server has closed is replaced at checkout, without a round trip.

`pool_pre_ping` sent `SELECT 1` on every checkout: a round trip and a statement on both sides for every
request. A server that ends a session (a restart, `pg_terminate_backend`, an idle timeout) sends its FATAL
message and closes the socket, so the idle connection's socket becomes readable; a healthy idle connection
has nothing to read (we never LISTEN). Checking the socket is a system call: a readable one is refused
and the pool replaces it, as the ping did. What this does not see, a host gone without closing its
sockets, the ping could not repair either; the first statement then fails with a 503 and SQLAlchemy
invalidates the pool's connections (`is_disconnect`), so the next request reconnects.
"""

import select

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

_SIGNALLED = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def install(engine: Engine) -> bool:
    """For PostgreSQL engines (psycopg): the checkout check. False for other databases (they keep the ping)."""
    if engine.dialect.name != "postgresql":
        return False
    event.listen(engine, "checkout", _closed_by_server)
    return True


def closed_by_server(dbapi_connection) -> bool:
    if dbapi_connection.closed:
        return True
    poller = select.poll()  # not select(): a worker's descriptors may pass 1024
    poller.register(dbapi_connection.fileno(), _SIGNALLED)
    return bool(poller.poll(0))


def _closed_by_server(dbapi_connection, _record, _proxy) -> None:
    if closed_by_server(dbapi_connection):
        raise DisconnectionError("the server closed this pooled connection")  # the pool opens a new one
