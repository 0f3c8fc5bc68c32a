"""gunicorn's settings, in one place: the image and compose run `gunicorn -c gunicorn.conf.py`.

Each value can be changed from the environment without editing this file.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
# Inside compose only the TLS proxy reaches this port; it is never published.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, two per core plus one (bench/README.md measured the alternatives).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter), so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
backlog = 2048
# Logs go to standard output and error, where docker compose collects them.
accesslog = "-"
errorlog = "-"
# Time, client (the proxy), request line, status, size, duration and the request id (config/logs.py). No Referer
# or user agent: a Referer from her own pages holds her personal link.
access_log_format = '%(t)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Access and error logs leave out personal-link tokens and e-mail addresses (config/log_redaction.py).
logger_class = "config.gunicorn_logging.RedactingGunicornLogger"
