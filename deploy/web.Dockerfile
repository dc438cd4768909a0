# The web front's image: python:3.12-slim with requirements-web.lock (current sanic and aiohttp, no
# Rasa, no TensorFlow) and only the files `python -m bot.web` reads. Built by deploy/docker-compose.yml
# (context: the repository root). tests/test_deploy.py checks that every project module and content
# file the web front loads is copied here.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1

# Only prebuilt wheels, exactly the lock file; pip itself is removed afterwards (not needed to run).
COPY requirements-web.lock /tmp/requirements-web.lock
RUN python -m pip install --only-binary=:all: -r /tmp/requirements-web.lock \
 && rm /tmp/requirements-web.lock \
 && python -m pip uninstall --yes pip

WORKDIR /srv/jamchat
COPY domain.yml ./
COPY content/safety.yml content/campaigns.yml content/resources.yml ./content/
COPY content/places ./content/places
COPY content/schema ./content/schema
COPY bot/__init__.py bot/paths.py ./bot/
COPY bot/domain/__init__.py bot/domain/campaign_counts.py bot/domain/campaigns.py bot/domain/places.py bot/domain/resources.py bot/domain/safety.py bot/domain/text.py bot/domain/yaml_text.py ./bot/domain/
COPY bot/web ./bot/web
# Byte-compiled at build time (the file system is read-only at run time); the campaign counters'
# SQLite file lives on a volume mounted at /srv/jamchat/var.
RUN python -m compileall -q bot \
 && mkdir -p var && chown 10001:10001 var

USER 10001:10001
EXPOSE 8000
ENV WEB_HOST=0.0.0.0 WEB_PORT=8000
ENTRYPOINT ["python", "-m", "bot.web"]
