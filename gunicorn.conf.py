"""gunicorn's settings file, read from the working directory (the image and compose start gunicorn there): its
access and error logs leave out personal-link tokens and e-mail addresses (config/log_redaction.py)."""

logger_class = "config.gunicorn_logging.RedactingGunicornLogger"
