# Pantau: `make run` and `make test` do all set-up on a fresh machine (Python 3.11, make, apt).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT ?= 8501

.PHONY: install system-deps migrate model train eval seed run test test-sqlite lint bench bench-pg bench-analysis clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@echo "▶ Memasang paket Python (sekali saja, bisa beberapa menit)…"
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install --progress-bar on -r requirements-dev.txt
	@echo "✓ Paket Python terpasang."
	rm -f $(VENV)/.installed-* && touch $@

system-deps:
	scripts/system-deps.sh

migrate: install
	@$(PY) -m lib.progress "Menyiapkan basis data (migrasi)" -- $(PY) -m alembic upgrade head

# The analyser's trained artefact (models/, git-ignored): trained once if missing.
model: install
	@$(PY) -m lib.progress "Menyiapkan model analisis (pelatihan sekali saja)" -- $(PY) -m lib.analysis.train --if-missing

# Retrain on the base data plus the command room's corrections stored in the database.
train: install
	$(PY) -m lib.analysis.train

# Grouped cross-validation per source next to a TF-IDF+LR baseline, then the police held-out split
# (trains its own fold models; EVAL_ARGS="--without-noncommercial" measures without idhsab).
EVAL_ARGS ?=
eval: install
	$(PY) -m lib.analysis.evaluate --detail $(EVAL_ARGS)

seed: migrate model
	@$(PY) -m lib.seed

run: seed
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

test: install system-deps
	PY=$(PY) scripts/test.sh

test-sqlite: install system-deps
	$(PY) -m pytest

bench-analysis: model
	taskset -c 0 $(PY) bench/bench_analysis.py

# Benchmarks (not tests): SQLite, 5,539 units, 100k then 1M mentions, a printed table.
# BENCH_ARGS="--sizes 100000,1000000,10000000 --url postgresql+psycopg://..." for PostgreSQL at 10M;
# `make bench-pg` does that on a throwaway cluster; `make bench-pg BENCH_ARGS="--sizes 1000000,10000000,50000000"`
# reaches 50M (binary COPY, indexes rebuilt after each big load; ~30 GB of disk at 50M).
# BENCH_PG_DIR=/some/dir keeps that cluster; a second run with BENCH_ARGS="--reuse --sizes ..." skips the load.
BENCH_ARGS ?=
# Analysis throughput (vs normalisation alone) first, then the scale benchmarks; a missed target is
# reported in the table, it does not stop the other measurements.
bench: install model
	-taskset -c 0 $(PY) bench/bench_analysis.py
	$(PY) -m bench.run --markdown bench/last-run.md $(BENCH_ARGS)

bench-pg: install system-deps
	PY=$(PY) BENCH_ARGS="$(BENCH_ARGS)" scripts/bench-pg.sh

lint: install
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) data/pantau.db data/pantau.db-* tests/artifacts
