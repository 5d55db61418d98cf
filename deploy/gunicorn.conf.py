"""gunicorn for production, behind nginx (deploy/nginx/relief.conf, which sets PROXY_HOPS=1 in the app's
environment): `gunicorn -c deploy/gunicorn.conf.py 'service:create_app()'`. Settings come from the
environment so one file serves every node; README ("Running it for real") lists them.

Why threads: a sync worker is held whole by one slow client (headers sent, body never) until the 30 s
worker timeout, and two of them took the service down. The threaded worker waits for a socket to be
readable before giving it a thread, serves each request in one of `threads` threads (Flask-SQLAlchemy
sessions are per request, so threads share nothing but the connection pool), and our subclass puts a
read deadline on every client socket (service/gunicorn_worker.py)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx proxies here; never 0.0.0.0 without it
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2)))
worker_class = "service.gunicorn_worker.DeadlineThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "32"))  # slow clients each hold one, for 10 s at most
worker_connections = 1000  # open connections per worker, idle keep-alives included
preload_app = True  # the classifier's dictionary is loaded once and shared by the workers (copy-on-write)
timeout = 30  # a worker whose main loop stops answering for this long is restarted
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open; idle ones are closed after this
max_requests, max_requests_jitter = 5000, 500  # recycle workers slowly: bounds any leak, never all at once
accesslog = None  # gunicorn's access log prints query strings, which can carry phone numbers; the app logs
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
