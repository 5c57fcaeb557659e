# Two commands do all the setup on a fresh machine:
#   make report   build .venv if missing, then run every case-study report into reports/
#   make test     build .venv if missing, then run the whole test suite
# Other targets: make lab (JupyterLab), make student (student exercise notebooks from exercises/solutions),
# make data (regenerate datasets), make bench, make lock.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?= -n auto --dist loadgroup

.PHONY: env report test lab student data bench lock browser clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

env: $(STAMP)

report: env
	$(VENV)/bin/kitlib report --out reports

test: env browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

# The browser tests need Debian's Chromium and poppler-utils (PDF text and page images); install them
# where we can (root + apt).
browser:
	@{ command -v chromium && command -v pdftoppm; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null) \
	      || echo "note: could not install chromium/poppler-utils; the browser tests will be skipped"; \
	  else echo "note: chromium or poppler-utils absent and no root; the browser tests will be skipped"; fi; }

lab: env
	$(VENV)/bin/jupyter lab

# The exercise sources are exercises/solutions/*.ipynb (paired .py); this writes the student notebooks
# (solutions removed; same as `kitlib exercises release OUT` for any other folder, e.g. one to zip).
student: env
	$(VENV)/bin/kitlib exercises release exercises --source exercises/solutions

data: env
	$(PY) -m kitlib.casegen datasets

bench: env
	$(PY) benchmarks/kano.py
	$(PY) benchmarks/psychometrics.py
	$(PY) benchmarks/reports.py
	$(PY) benchmarks/voice.py
	$(PY) benchmarks/disclosure.py

# Re-resolve the pinned environment from pyproject's ranges plus the dev tools.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --upgrade "pip>=24"
	.lockenv/bin/pip install --quiet -e . -r requirements-dev.txt
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^kitlib' > requirements.lock
	rm -rf .lockenv
	$(PYTHON) scripts/sync_environment.py

clean:
	rm -rf $(VENV) reports .pytest_cache
