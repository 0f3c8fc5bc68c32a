"""gunicorn's logger with RedactSecrets on its access and error log handlers (set in gunicorn.conf.py)."""

from gunicorn.glogging import Logger

from config.log_redaction import RedactSecrets


class RedactingGunicornLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                handler.addFilter(RedactSecrets())
