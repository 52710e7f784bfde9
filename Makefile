# enterprise-identity: every install step and every job lives here, so a fresh clone needs only
# `make preview STACK=prod` and `make test`.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# One source of dependencies: pyproject.toml (runtime, dev group) locked with hashes in uv.lock.
REQUIREMENTS := pyproject.toml uv.lock

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

# The venv is synced whenever it is missing or older than pyproject.toml or uv.lock. uv (pinned,
# installed from requirements-bootstrap.txt with its hashes) installs exactly the lock, checking
# every file's hash (`uv sync --frozen`): on these 2-core machines pip took about an hour for
# pulumi-aws and its company, uv takes minutes. `pulumi install` (Pulumi.yaml: toolchain uv,
# virtualenv .venv) syncs the same venv from the same lock. uv writes no bytecode up front; Python
# caches it on first import, which is why PYTHONDONTWRITEBYTECODE is not passed on.
UV := $(VENV)/bin/uv
export UV_SYSTEM_CERTS := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
unexport PYTHONDONTWRITEBYTECODE

$(UV):
	test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(PY) install --quiet --require-hashes --no-deps -r requirements-bootstrap.txt

$(STAMP): $(REQUIREMENTS) | $(UV)
	$(UV) sync --frozen --quiet --python $(PY)
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

bench: $(STAMP) ## Print the benchmark numbers (gate timings, import throughput, planning memory, live audit of 100 pools).
	$(PY) bench/gate_timing.py
	$(PY) bench/ops_import.py --aws-like
	$(PY) bench/ops_export.py
	$(PY) bench/ops_plan.py
	$(PY) bench/audit_pools.py

# Mutation testing of the riskiest logic (docs/testing.md); not part of `make test` or CI: each
# module takes minutes on 2 cores (the pack about 10, the settings about 60). mutmut (config:
# setup.cfg [mutmut]) runs niced in a scratch copy of the tree, so its `mutants/` folder never lands
# in the repository; then one score per module and one per package.
# The pack imports itself as `cognito_guard` (policies/ on sys.path) and mutmut names a mutant after
# its file's path, so the scratch copy links the package to the top level; its catalog reads the
# README beside the package (policies/README.md), placed beside the mutated copy.
MUTATE ?= identity_ops.srp identity_ops.validation identity_ops.ratelimit identity_ops.executor gate.analysis gate.result \
	cognito_guard settings
MUTATION_DIR ?= /tmp/$(notdir $(CURDIR))-mutation
MUTMUT := $(CURDIR)/$(VENV)/bin/mutmut

mutation: $(STAMP) ## Mutation score per module (MUTATE=identity_ops.srp for one; slow, not in CI).
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)
	tar --exclude=./.venv --exclude=./.git --exclude='./.*cache' --exclude=./.hypothesis -cf - . \
		| tar -xf - -C $(MUTATION_DIR)
	cd $(MUTATION_DIR) && ln -s policies/cognito_guard cognito_guard && mkdir -p mutants/policies \
		&& cp policies/README.md mutants/README.md \
		&& cp -r policies/__main__.py policies/PulumiPolicy.yaml policies/config mutants/policies/
	cd $(MUTATION_DIR) && for module in $(MUTATE); do \
		nice -n 19 $(MUTMUT) run "$$module.*" >/dev/null || exit 1; done
	cd $(MUTATION_DIR) && $(MUTMUT) results --all true | awk -F': ' \
		'$$2 == "not checked" { next } \
		 { split($$1, name, "."); sub(/^ +/, "", name[1]); dead = $$2 == "killed" || $$2 == "timeout"; \
		   module = name[1] "." name[2]; total[module]++; killed[module] += dead; \
		   package = name[1] " (all)"; total[package]++; killed[package] += dead } \
		 END { for (m in total) printf "%-34s %4d/%-4d mutants killed (%.0f%%)\n", \
		   m, killed[m], total[m], 100 * killed[m] / total[m] }' | sort
	@echo "survivors: cd $(MUTATION_DIR) && $(MUTMUT) results  (then: $(MUTMUT) show NAME)"

lock: | $(UV) ## Re-resolve uv.lock from pyproject.toml and re-export the hashed requirement files.
	$(UV) lock --python 3.11
	$(UV) export --frozen --quiet --no-emit-project --only-group policy-pack --format requirements-txt \
		--output-file policies/requirements.txt
	$(UV) export --frozen --quiet --no-emit-project --only-group bootstrap --format requirements-txt \
		--output-file requirements-bootstrap.txt

clean: ## Remove the venv and caches.
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
