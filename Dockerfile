# Production image of the HAIP Consultation Portal: one image for every process (gunicorn,
# celery worker, celery beat, one-shot migrate); docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=haip_portal.settings.production

# The processes run as an unprivileged user; the code stays owned by root, read-only to them.
RUN groupadd --system --gid 10001 haip \
    && useradd --system --uid 10001 --gid haip --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin haip

WORKDIR /app

# Pango and fonts for WeasyPrint, which renders the digests' PDF export.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-ipafont-gothic \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so editing the code does not reinstall them. Every wheel is checked
# against the hash pinned in requirements/base.txt.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

# The project, part by part: no .venv, .env, var/ (local SQLite) or .git gets into the image.
# A new Django app must be added here; until it is, collectstatic below fails the build.
COPY manage.py pyproject.toml ./
COPY haip_portal haip_portal
COPY accounts accounts
COPY drafts drafts
COPY comments comments
COPY templates templates
COPY static static

# collectstatic needs the production settings to import; these two values exist only for this
# step and are not part of the image. The real ones come from the environment at run time.
# var/media is created here so the named volume mounted on it starts out owned by haip.
RUN SECRET_KEY=build-time-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R haip:haip /app/var

USER haip

EXPOSE 8000

# Three worker processes of four threads each: twelve requests at once on a small host (raise
# --workers with the cores). nginx in front hands over only whole requests, so a thread is
# never held by a slow client. A worker is replaced after 1,000 requests (give or take 100,
# so they do not all restart together); one that stops answering its master for 60 s is
# killed; on a restart, requests in flight get 30 s to finish. Access and error logs go to
# stdout/stderr for `docker compose logs`. See docs/operations.md.
CMD ["gunicorn", "haip_portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--worker-class", "gthread", \
     "--threads", "4", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--keep-alive", "5", \
     "--max-requests", "1000", \
     "--max-requests-jitter", "100", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
