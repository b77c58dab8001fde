# The two commands of README: `make publish` and `make test`.
# Both set up what they need first (Debian packages, a virtual environment in .venv/).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: publish test setup clean

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
