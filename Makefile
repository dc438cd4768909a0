# Kommandon för hela projektet. Börja med `make run` eller `make test`; se README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
# Webbchattens egen miljö (requirements-web.lock): aktuell sanic och aiohttp, ingen Rasa.
VENV_WEB    := .venv-web
PY_WEB      := $(VENV_WEB)/bin/python
# Verktyget för `make check-security` (pip-audit), skilt från båda miljöerna.
VENV_AUDIT  := .venv-audit
RASA        := $(PY) -m bot.rasa_main
MODEL       := models/current.tar.gz

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
export RASA_URL ?= http://127.0.0.1:5005
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup system-deps run train test test-fast lint check report kampanjrapport bench bench-web screenshot lock clean purge \
        setup-web lock-web check-security

help:
	@echo "make run    – installera, träna vid behov, starta åtgärdsserver (5055), Rasa (5005) och webbchatten (8000)"
	@echo "make test   – installera, träna och köra alla tester"
	@echo "make test-fast – bara de snabba testerna (ingen modell, inga servrar, ingen träning)"
	@echo "make lint   – kodstil: ruff check och ruff format --check (pyproject.toml)"
	@echo "make check  – kontrollera innehållet (snabbt, ingen träning)"
	@echo "make report – rapport för redaktörer: results/report/index.html (QUICK=1: bara testsetet)"
	@echo "make kampanjrapport – bara kampanjsidan: results/report/kampanjer.html (snabb, docs/campaigns.md)"
	@echo "make bench  – mätningar: träffsäkerhet, korsvalidering, svarstider"
	@echo "make check-security – kända sårbarheter i båda låsfilerna (pip-audit), se docs/security.md"

# ---------- installation ----------
$(VENV)/.installed: requirements.lock scripts/find-python310.sh
	@test -x $(PY) || $$(scripts/find-python310.sh) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.2"
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

system-deps: setup node_modules/.installed
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed $(VENV_WEB)/.installed

setup-web: $(VENV_WEB)/.installed

# .venv-web byggs om från grunden när låsfilen ändras, så att den innehåller exakt låsfilen.
# Bara färdiga hjul (--only-binary): inget byggs från källkod.
$(VENV_WEB)/.installed: requirements-web.lock scripts/find-python310.sh
	rm -rf $(VENV_WEB)
	$$(scripts/find-python310.sh) -m venv $(VENV_WEB)
	echo '*' > $(VENV_WEB)/.gitignore
	$(PY_WEB) -m pip install --quiet --upgrade "pip==24.2"
	$(PY_WEB) -m pip install --quiet --only-binary=:all: -r requirements-web.lock
	touch $@

lock-web: ## bygg om webbmiljöns låsfil från requirements-web.in (i en tillfällig miljö)
	rm -rf $(VENV_WEB)-lock && $$(scripts/find-python310.sh) -m venv $(VENV_WEB)-lock
	$(VENV_WEB)-lock/bin/python -m pip install --quiet --upgrade "pip==24.2"
	$(VENV_WEB)-lock/bin/python -m pip install --quiet --only-binary=:all: -r requirements-web.in
	{ sed -n '1,2p' requirements-web.lock; $(VENV_WEB)-lock/bin/python -m pip freeze | grep -v '^-e'; } \
	  > requirements-web.lock.new && mv requirements-web.lock.new requirements-web.lock
	rm -rf $(VENV_WEB)-lock

lock: ## bygg om låsfilen från requirements.in
	$(PY) -m pip install --quiet -r requirements.in
	{ sed -n '1,2p' requirements.lock; $(PY) -m pip freeze | grep -v '^-e'; } > requirements.lock.new && mv requirements.lock.new requirements.lock

# ---------- träning ----------
# Rasa jämför själv data, domän och konfiguration med den senaste modellen (fingeravtryck) och
# tränar bara om något ändrats; oförändrade delar hämtas ur träningscachen (.rasa/cache).
# `python -m bot train` = samma `rasa train` (via bot.rasa_main), men FAQ-svarens text hålls utanför
# NLU-stegens indata (bot/speedups/training_cache.py): ändras bara ett svar tar det ca 20 s i stället för
# ca 10 min. Se CONTENT.md, «Träna om».
train: setup
	@mkdir -p models
	$(PY) -m bot train --out models --quiet

# ---------- körning ----------
run: train $(VENV_WEB)/.installed
	@bash scripts/run.sh

# ---------- tester ----------
test: lint system-deps train $(VENV_WEB)/.installed
	$(RASA) data validate --fail-on-warnings --quiet
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --e2e --out results/core --quiet
	$(PY) -m pytest tests -q

# Bara testnivån `unit` (tests/conftest.py delar in testerna i unit, model och live; se pytest.ini).
test-fast: setup
	$(PY) -m pytest tests -q -m unit

# Kodstil (inställningar i pyproject.toml). `$(VENV)/bin/ruff format .` och `ruff check --fix .` rättar det mesta.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: setup
	$(PY) -m bot check

# Kända sårbarheter i båda låsfilerna (pip-audit; scripts/audit.py, docs/security.md). Webbmiljön ska
# vara fri från fynd; Rasas fynd ska vara förklarade i docs/security.md. Utdata: results/security/.
# Utan nät till PyPI:s JSON-API: OSV_DB=<mapp med OSV-filer eller OSV:s PyPI/all.zip>.
$(VENV_AUDIT)/.installed: scripts/find-python310.sh
	@test -x $(VENV_AUDIT)/bin/python || $$(scripts/find-python310.sh) -m venv $(VENV_AUDIT)
	echo '*' > $(VENV_AUDIT)/.gitignore
	$(VENV_AUDIT)/bin/python -m pip install --quiet "pip==24.2" "pip-audit==2.10.1" "PyYAML==6.0.4"
	touch $@

check-security: $(VENV_AUDIT)/.installed
	$(VENV_AUDIT)/bin/python scripts/audit.py $(if $(OSV_DB),--osv-db $(OSV_DB))

# Rapport för redaktörer (bot/tools/content/report.py). FOLDS=3 delar i korsvalideringen, QUICK=1 bara testsetet.
report: train
	$(PY) -m bot report $(if $(QUICK),--snabb) $(if $(FOLDS),--folds $(FOLDS))

# Bara kampanjsidan (tratten per kampanj och vecka ur räknarna; ingen modell behövs). Se docs/campaigns.md.
kampanjrapport: setup
	$(PY) -m bot kampanjer

# Radera sparade samtal vars senaste händelse är äldre än RETENTION_DAYS (30) dagar ur spårningslagret
# (bot.rasa_plugins.retention.purge). Kör dagligen i skalat läge; se docs/privacy.md.
purge: setup
	$(PY) -m bot purge

bench: train
	RASA_MAX_CACHE_SIZE=0 $(PY) -m bench.nlu  # korsvalideringen ska inte tränga ut modellens steg ur .rasa/cache
	$(PY) -m bench.latency
	$(PY) bench/places_bench.py

bench-web: system-deps train
	$(PY) -m bench.web

screenshot: system-deps train
	$(PY) tools/screenshot.py

clean:
	rm -rf results .pytest_cache
