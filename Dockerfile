# srp's container image: Debian slim, the fonts and libraries the PDFs need, a non-root user,
# static files collected at build, gunicorn. The same image runs the web server and the worker
# (compose.yaml). It installs through the scripts CI runs (.ci/run) and `make` uses:
# scripts/system-deps.sh, scripts/python-deps.sh, scripts/release-checks.sh.
#   docker build -t srp .
#   docker compose up -d        (see compose.yaml and the README's "Deploying")
# Build on the Python versions srp supports: 3.11 to 3.13 (PYTHON_VERSION=3.12 …).
ARG PYTHON_VERSION=3.13
# bookworm: its postgresql-client (15) must match the PostgreSQL server for backups (compose.yaml).
FROM python:${PYTHON_VERSION}-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    DEBUG=false \
    LOG_FORMAT=json \
    MEDIA_ROOT=/var/lib/srp/media

WORKDIR /app

# Debian packages first (cached unless the script changes): PDF libraries, fonts, pg client.
COPY scripts/system-deps.sh scripts/
RUN ./scripts/system-deps.sh --runtime \
    && rm -rf /var/lib/apt/lists/*

# Python packages (cached unless pyproject.toml changes), with the Sentry extra.
COPY pyproject.toml README.md ./
COPY scripts/python-deps.sh scripts/
RUN ./scripts/python-deps.sh /opt/venv python3 sentry

COPY . .
# Hashed static files, and Django's deployment checks with production settings.
RUN ./scripts/release-checks.sh /opt/venv/bin/python \
    && groupadd --system --gid 10001 srp \
    && useradd --system --uid 10001 --gid srp --home-dir /app --shell /usr/sbin/nologin srp \
    && mkdir -p /var/lib/srp/media /var/lib/srp/backups \
    && chown -R srp:srp /var/lib/srp

USER srp
VOLUME ["/var/lib/srp/media"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4).status != 200)"]

# The web server; the worker overrides it (compose.yaml: python manage.py run_worker).
# gunicorn takes its worker count from WEB_CONCURRENCY.
# The app writes one JSON access line per request (srp/logging.py): no gunicorn access log.
CMD ["gunicorn", "srp.wsgi", "--bind", "0.0.0.0:8000", "--max-requests", "2000", \
     "--max-requests-jitter", "200", "--timeout", "120", "--graceful-timeout", "30"]
