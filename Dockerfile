# Production image: gunicorn serves the site, the same image runs the migrations, the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --require-hashes -r requirements/runtime.txt
# .dockerignore keeps var/ (database, mails), .env, .venv and .git out of the image.
COPY . .
RUN django-admin compilemessages --ignore=.venv \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --system --home /app fachtag && mkdir -p var/mail beat && chown -R fachtag var beat
USER fachtag
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "scripts/probe.py", "web"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
