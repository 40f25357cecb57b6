# Tandem's image for compose.yaml (docs/deploy.md): the hashed runtime lock, then the package
# itself; no source tree in the image. Static files are collected at build time.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    STATIC_ROOT=/srv/tandem/static GUNICORN_BIND=0.0.0.0:8000
RUN useradd --system --create-home --home-dir /srv/tandem tandem
COPY requirements-production.lock /tmp/requirements-production.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements-production.lock
COPY . /tmp/tandem
RUN pip install --no-cache-dir --no-deps /tmp/tandem && rm -rf /tmp/tandem
# Hashed names with gzip and Brotli copies; the values below serve this build step only.
RUN TANDEM_ENV=production SECRET_KEY=build-only SITE_URL=https://build.invalid \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 tandem-manage collectstatic --noinput -v0 \
    && rm -f /tmp/build.sqlite3
# The erasure log's directory (ERASURE_LOG, a volume in compose.yaml), writable by Tandem.
RUN mkdir -p /srv/tandem/var && chown tandem:tandem /srv/tandem/var
USER tandem
WORKDIR /srv/tandem
EXPOSE 8000
CMD ["gunicorn", "-c", "python:tandem.gunicorn_conf", "tandem.wsgi"]
