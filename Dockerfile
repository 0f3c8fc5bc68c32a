# Production image: gunicorn serves the site, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
RUN pip install -c requirements.lock -e .
COPY . .
RUN django-admin compilemessages --ignore=.venv \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --system --home /app fachtag && mkdir -p var/mail && chown -R fachtag var
USER fachtag
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "5", "--access-logfile", "-"]
