"""The Celery app: `celery -A config worker` and `celery -A config beat`."""

import os

from celery import Celery, signals
from django.db import close_old_connections

from config.log_redaction import RedactSecrets
from config.logs import set_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fachtag")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def redact_worker_logs(logger=None, **kwargs):
    """The worker replaces the LOGGING handlers with its own: they get the same filter, so no personal-link
    token or e-mail address (an SMTP refusal quotes the address) reaches the worker's log either."""
    for handler in logger.handlers:
        handler.addFilter(RedactSecrets())


@signals.task_prerun.connect
@signals.task_postrun.connect
def reuse_connections_like_requests(sender=None, **kwargs):
    """Database connections in a worker live as long as in the web server: Django's CONN_MAX_AGE and health
    checks decide, before and after each task as before and after each request. (Celery's Django fix-up
    would open a new connection, i.e. a new PostgreSQL backend, for every task: see CELERY_DB_REUSE_MAX.)
    Tasks run eagerly inside a request (no broker) are left alone: the request looks after its connection."""
    if not getattr(sender.request, "is_eager", False):
        close_old_connections()


@signals.task_prerun.connect
def log_with_the_task_id(task_id=None, **kwargs):
    """A task's log lines carry its id where a request's carry the request id (config/logs.py)."""
    set_request_id(f"task-{task_id}")


@signals.task_postrun.connect
def forget_the_task_id(**kwargs):
    set_request_id("-")
