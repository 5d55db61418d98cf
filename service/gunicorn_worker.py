"""The production gunicorn worker (deploy/gunicorn.conf.py): gunicorn's threaded worker, with a read deadline
on every client socket. A client that sends its headers and never its body (or stops half-way through
them) holds one thread for CLIENT_READ_TIMEOUT_SECONDS, not until it gives up; the other threads keep
serving. nginx in front buffers whole requests anyway (deploy/nginx/relief.conf): this is the floor when a
request reaches gunicorn directly."""

import os

from gunicorn.workers.gthread import ThreadWorker

READ_TIMEOUT = float(os.environ.get("CLIENT_READ_TIMEOUT_SECONDS", "10"))


class DeadlineThreadWorker(ThreadWorker):
    def handle(self, conn):
        # each recv and send on this connection now fails after READ_TIMEOUT seconds of silence (TimeoutError:
        # gunicorn closes the connection; inside the app it is a 408)
        conn.sock.settimeout(READ_TIMEOUT)
        return super().handle(conn)
