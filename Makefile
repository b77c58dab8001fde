# The two commands of README: `make publish` and `make test`.
# Both set up what they need first (Debian packages, a virtual environment in .venv/).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: publish test setup clean bench

publish: setup
	$(PY) publish.py build

test: setup
	$(PY) -m pytest

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package-lock.json scripts/setup.sh
	scripts/setup.sh
	@touch $@

clean:
	rm -rf $(VENV) node_modules output

# The benchmark (bench/README.md); e.g. `make bench BENCH_ARGS=--quick`. Needs pandoc, to compare.
bench: setup
	@command -v pandoc >/dev/null || { \
	  echo "Installing Debian packages: pandoc"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends pandoc; }
	$(PY) bench/run.py $(BENCH_ARGS)
