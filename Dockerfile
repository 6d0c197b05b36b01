FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; fonts-dejavu gives PDFs embeddable fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=prevent_portal.settings.production
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir setuptools && mkdir -p prevent_portal
COPY . .
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789 \
       DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
       DEFAULT_FROM_EMAIL=build@localhost SITE_URL=http://localhost \
       python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
# Bind, workers and the timeout (above the database statement timeout) are in gunicorn.conf.py.
CMD ["gunicorn", "prevent_portal.wsgi", "--config", "gunicorn.conf.py"]
