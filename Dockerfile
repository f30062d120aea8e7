# Rapport: one image for every process (web, worker, beat, migrate); the
# command decides which. The default command serves the WSGI app with gunicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production \
    HOME=/home/rapport

# A fixed, numeric, unprivileged user (numeric so that orchestrators can verify
# "runAsNonRoot"). Its home is writable: gunicorn puts its control socket there.
RUN groupadd --system --gid 10001 rapport \
    && useradd --system --uid 10001 --gid rapport --create-home --home-dir /home/rapport \
        --shell /usr/sbin/nologin rapport

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that this layer is rebuilt
# only when the dependency list changes. The project is not an installable
# package, so the list is read out of [project].dependencies.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print(*deps, sep=chr(10))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files are collected into the image (whitenoise serves them). Production
# settings insist on SECRET_KEY and ALLOWED_HOSTS; the values below exist only
# for this build step and are not kept in the image's environment.
# The code stays owned by root (read-only for the app); only .data is writable.
RUN DJANGO_ENV=production \
    SECRET_KEY=collectstatic-build-only-not-a-real-secret \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/.data \
    && chown rapport:rapport /app/.data

USER 10001:10001

EXPOSE 8000

# Liveness only (/healthz answers without touching the database or broker).
# slim has no curl, so the probe is Python. Django validates the Host header, so
# the probe presents the first ALLOWED_HOSTS entry ("*" skipped, leading "*."
# or "." stripped), falling back to localhost.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; hosts = [h.strip().lstrip('*.') for h in os.environ.get('ALLOWED_HOSTS', '').split(',')]; host = next((h for h in hosts if h), 'localhost'); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
