# enterprise-identity: every install step and every job lives here, so a fresh clone needs only
# `make preview STACK=prod` and `make test`.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements.txt requirements-dev.txt constraints.txt policies/requirements.txt pyproject.toml

STACK ?= prod
FORMAT ?= table
MODE ?= preview
GRAPH ?=
# Port of the local AWS emulator; Pulumi.local.yaml's aws:endpoints point at it.
LOCAL_AWS_PORT ?= 4566

.DEFAULT_GOAL := help
.PHONY: help setup test unit lint format preview bench lock clean local-aws mutation

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# The venv is rebuilt whenever it is missing or older than any requirement file. uv (pinned) does
# the installing: on these 2-core machines pip took about an hour for pulumi-aws and its company,
# uv takes minutes. It writes no bytecode up front; Python caches it on first import instead,
# which is why PYTHONDONTWRITEBYTECODE is not passed on to anything make runs.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
export UV_NATIVE_TLS := 1
unexport PYTHONDONTWRITEBYTECODE

$(UV):
	test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(PY) install --quiet uv==$(UV_VERSION)

$(STAMP): $(REQUIREMENTS) | $(UV)
	$(UV) pip install --quiet --python $(PY) -r requirements-dev.txt -c constraints.txt
	$(UV) pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP) ## Create or refresh .venv with every runtime and development dependency.

preview: $(STAMP) ## Offline preview of STACK with its policy report (FORMAT=table|json|sarif|markdown, GRAPH=mermaid|dot, MODE=preview|up).
	$(PY) -m gate preview --stack $(STACK) --format $(FORMAT) --mode $(MODE) $(if $(GRAPH),--graph $(GRAPH))

test: lint unit ## The whole suite: lint, type check and every test.

unit: $(STAMP) ## Run the tests only.
	$(PY) -m pytest -n 2 --dist worksteal --durations=15

lint: $(STAMP) ## ruff (lint and format check) and mypy.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy policies/__main__.py  # checked on its own: a second module named __main__

format: $(STAMP) ## Apply ruff's formatting and safe fixes.
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

local-aws: $(STAMP) ## Run the local AWS emulator for the `local` stack: moto_server on 127.0.0.1:4566 (Ctrl-C stops it).
	$(VENV)/bin/moto_server -H 127.0.0.1 -p $(LOCAL_AWS_PORT)

bench: $(STAMP) ## Print the benchmark numbers (gate timings, import throughput).
	$(PY) bench/gate_timing.py
	$(PY) bench/ops_import.py --aws-like
	$(PY) bench/ops_export.py

# Mutation testing of the identity-ops core (docs/testing.md); not part of `make test` or CI: each
# module takes minutes on 2 cores. mutmut (config: setup.cfg [mutmut]) runs niced in a scratch copy
# of the tree, so its `mutants/` folder never lands in the repository; then one score per module.
MUTATE ?= identity_ops.srp identity_ops.validation identity_ops.ratelimit
MUTATION_DIR ?= /tmp/$(notdir $(CURDIR))-mutation
MUTMUT := $(CURDIR)/$(VENV)/bin/mutmut

mutation: $(STAMP) ## Mutation score per module (MUTATE=identity_ops.srp for one; slow, not in CI).
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)
	tar --exclude=./.venv --exclude=./.git --exclude='./.*cache' --exclude=./.hypothesis -cf - . \
		| tar -xf - -C $(MUTATION_DIR)
	cd $(MUTATION_DIR) && for module in $(MUTATE); do \
		nice -n 19 $(MUTMUT) run "$$module.*" >/dev/null || exit 1; done
	cd $(MUTATION_DIR) && $(MUTMUT) results --all true | awk -F': ' \
		'$$2 == "not checked" { next } \
		 { split($$1, name, "."); module = name[1] "." name[2]; sub(/^ +/, "", module); \
		   total[module]++; if ($$2 == "killed" || $$2 == "timeout") killed[module]++ } \
		 END { for (m in total) printf "%-26s %4d/%-4d mutants killed (%.0f%%)\n", \
		   m, killed[m], total[m], 100 * killed[m] / total[m] }' | sort
	@echo "survivors: cd $(MUTATION_DIR) && $(MUTMUT) results  (then: $(MUTMUT) show NAME)"

lock: | $(UV) ## Re-pin every transitive dependency into constraints.txt from a fresh resolve.
	$(UV) pip compile --quiet --python-version 3.11 --no-header --output-file constraints.txt requirements-dev.txt

clean: ## Remove the venv and caches.
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
