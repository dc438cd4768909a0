# Kommandon för hela projektet. Börja med `make run` eller `make test`; se README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(PY) -m bot.rasa_main
MODEL       := models/current.tar.gz

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
export RASA_URL ?= http://127.0.0.1:5005
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup system-deps run train test check report kampanjrapport bench bench-web screenshot lock clean purge

help:
	@echo "make run    – installera, träna vid behov, starta åtgärdsserver (5055), Rasa (5005) och webbchatten (8000)"
	@echo "make test   – installera, träna och köra alla tester"
	@echo "make check  – kontrollera innehållet (snabbt, ingen träning)"
	@echo "make report – rapport för redaktörer: results/report/index.html (QUICK=1: bara testsetet)"
	@echo "make kampanjrapport – bara kampanjsidan: results/report/kampanjer.html (snabb, docs/campaigns.md)"
	@echo "make bench  – mätningar: träffsäkerhet, korsvalidering, svarstider"

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

setup: $(VENV)/.installed

lock: ## bygg om låsfilen från requirements.in
	$(PY) -m pip install --quiet -r requirements.in
	{ sed -n '1,2p' requirements.lock; $(PY) -m pip freeze | grep -v '^-e'; } > requirements.lock.new && mv requirements.lock.new requirements.lock

# ---------- träning ----------
# Rasa jämför själv data, domän och konfiguration med den senaste modellen (fingeravtryck) och
# tränar bara om något ändrats; oförändrade delar hämtas ur träningscachen (.rasa/cache).
# `python -m bot train` = samma `rasa train` (via bot.rasa_main), men FAQ-svarens text hålls utanför
# NLU-stegens indata (bot/content/training.py): ändras bara ett svar tar det ca 20 s i stället för
# ca 10 min. Se CONTENT.md, «Träna om».
train: setup
	@mkdir -p models
	$(PY) -m bot train --out models --quiet

# ---------- körning ----------
run: train
	@bash scripts/run.sh

# ---------- tester ----------
test: system-deps train
	$(RASA) data validate --fail-on-warnings --quiet
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --e2e --out results/core --quiet
	$(PY) -m pytest tests -q

check: setup
	$(PY) -m bot check

# Rapport för redaktörer (bot/content/report.py). FOLDS=3 delar i korsvalideringen, QUICK=1 bara testsetet.
report: train
	$(PY) -m bot report $(if $(QUICK),--snabb) $(if $(FOLDS),--folds $(FOLDS))

# Bara kampanjsidan (tratten per kampanj och vecka ur räknarna; ingen modell behövs). Se docs/campaigns.md.
kampanjrapport: setup
	$(PY) -m bot kampanjer

# Radera sparade samtal vars senaste händelse är äldre än RETENTION_DAYS (30) dagar ur spårningslagret
# (bot.privacy.retention.purge). Kör dagligen i skalat läge; se docs/privacy.md.
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
