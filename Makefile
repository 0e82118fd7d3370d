# kombat: `make all` regenerates everything from scratch, `make test` runs every test.
# Both install what is missing first (npm packages, Debian packages, the tslab Jupyter kernel).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

# Debian packages: Jupyter's classic Notebook (reading the chapters) and nbconvert (running them headless),
# ffmpeg (video), Chromium (figures, browser tests).
APT_PACKAGES := jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel ffmpeg chromium
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
# The executed chapters go to <reports>/notebooks: reports/, or KOMBAT_REPORTS_DIR as the chapters see it (give
# an absolute path: the kernels run in notebooks/).
REPORTS := $(or $(KOMBAT_REPORTS_DIR),reports)
EXECUTED := $(patsubst notebooks/%,$(REPORTS)/notebooks/%,$(NOTEBOOKS))
SOURCES := $(shell find src -name '*.ts') tsconfig.json
WEB := $(shell find web -type f) web/tsconfig.json
# Every Jupyter a recipe starts (nbconvert, `kombat notebook`) finds this checkout's kernels first: `make kernel`
# registers them inside it, in .jupyter/ (src/notebook/kernel.ts), not in the user's or the system's Jupyter
# folder, where another checkout registering its own would take them over.
export JUPYTER_PATH := $(CURDIR)/.jupyter/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))
NBCONVERT := jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab \
	--ExecutePreprocessor.timeout=3600

.PHONY: all setup install system kernel build notebook data augment notebooks test lint unit smoke bench bench-torch \
	serve clean
.DELETE_ON_ERROR:

# The results page last: chapter 10 writes it before its own time (and the game's numbers) are recorded.
all: setup notebooks reports/game.png
	node bin/kombat.js report

setup: install build kernel

install: node_modules/.installed system

node_modules/.installed: package.json package-lock.json
	npm ci
	touch $@

# apt-get install of $(1): directly as root, through sudo otherwise; where neither works, prints the
# exact command and stops.
apt_install = echo "Installing Debian packages:$(1)"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "Cannot install system packages (not root, no sudo). Run:"; \
	     echo "  sudo apt-get update && sudo apt-get install -y$(1)"; exit 1; fi; \
	$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $(1)

# Installs the Debian packages that are missing (apt_install).
system:
	@missing=""; \
	command -v jupyter-nbconvert >/dev/null || \
	  missing="$$missing jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel"; \
	command -v jupyter-notebook >/dev/null || missing="$$missing jupyter-notebook"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing="$$missing chromium"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	$(call apt_install,$$missing)

# The kernel spec in .jupyter/ runs the tslab of this checkout, on the Python that runs Jupyter.
kernel: dist/.built system
	node bin/kombat.js kernel

build: dist/.built dist/.web-checked

# A clean compile: a module moved or deleted in src/ must not leave its old copy in dist/ to be imported
# (src/bench.ts became src/bench/, and a stale dist/bench.js shadowed it). dist/web is the page's build.
dist/.built: $(SOURCES) node_modules/.installed
	rm -rf $(filter-out dist/web,$(wildcard dist/*))
	tsc -p tsconfig.json
	touch $@

# The chapters in Jupyter (classic Notebook, TypeScript kernel) on 127.0.0.1; prints the URL with its token.
notebook: setup
	node bin/kombat.js notebook

# The game page (web/) type-checked with the library modules it bundles; `kombat serve` bundles it.
dist/.web-checked: $(WEB) $(SOURCES) node_modules/.installed
	tsc -p web/tsconfig.json
	touch $@

# The built-in dataset alone (notebook 01 walks the same steps): data/builtin + reports/dataset.*
data: setup
	node bin/kombat.js dataset build

# 16 augmented variants of every training frame: data/builtin-aug
augment: setup
	node bin/kombat.js augment --data data/builtin --out data/builtin-aug --variants 16

notebooks: $(EXECUTED)

# Each chapter builds on the ones before it.
previous = $(word $(shell expr $(1) - 1),$(EXECUTED))
$(foreach i,$(shell seq 2 $(words $(EXECUTED))),$(eval $(word $(i),$(EXECUTED)): $(call previous,$(i))))

# Chapters run in order; each executed copy (with its outputs) lands in <reports>/notebooks/, and its wall
# time with the machine's load (1-minute load average at start and end) in <reports>/notebooks/timings.csv:
# what each chapter's first cell quotes.
$(REPORTS)/notebooks/%.ipynb: notebooks/%.ipynb dist/.built
	@mkdir -p $(@D)
	@read -r load0 _ </proc/loadavg; start=$$(date +%s); \
	echo "$(NBCONVERT) $< --output-dir $(@D)"; \
	$(NBCONVERT) $< --output-dir $(@D); \
	read -r load1 _ </proc/loadavg; \
	line="$*,$$(( $$(date +%s) - start )),$$load0,$$load1,$$(nproc),$$(date -u +%FT%TZ)"; \
	f="$(@D)/timings.csv"; \
	{ echo 'chapter,seconds,load_start,load_end,cores,finished'; \
	  { if [ -f "$$f" ]; then tail -n +2 "$$f" | grep -v '^$*,' || true; fi; echo "$$line"; } | sort; } >"$$f.tmp"; \
	mv "$$f.tmp" "$$f"; \
	echo "$*: $$line"

# The game in headless Chromium with a rendered test-split person as the webcam: 2 minutes of play
# (numTensors must not move), the README's screenshot and its numbers (reports/game.json).
reports/game.png: $(EXECUTED) $(WEB) dist/.built dist/.web-checked
	node bin/kombat.js serve --screenshot $@ --seconds 120

# The game page on http://127.0.0.1:8642/; MKJS=<mk-tfjs>/mk also serves the article's MK.js.
serve: setup
	node bin/kombat.js serve $(if $(MKJS),--mkjs "$(MKJS)")

test: setup lint unit smoke

# Biome (formatting and lint rules: biome.json), then the type check of the tests and benchmarks.
lint:
	biome check .
	tsc -p tsconfig.test.json

unit:
	node --import tsx --test --test-concurrency=1 test/*.test.ts

# Every notebook, top to bottom, on tiny data and few epochs (KOMBAT_SMOKE=1); data, reports and
# models and executed copies go to a scratch folder, so a smoke run never touches data/, reports/
# or models/ (the MobileNet cache in models/mobilenet/ is shared).
smoke:
	@out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	export KOMBAT_SMOKE=1 KOMBAT_DATA_DIR="$$out/data" KOMBAT_REPORTS_DIR="$$out/reports" \
	  KOMBAT_MODELS_DIR="$$out/models"; \
	for nb in $(NOTEBOOKS); do \
	  echo "smoke: $$nb"; \
	  $(NBCONVERT) "$$nb" --output-dir "$$out" >/dev/null 2>"$$out/log" || { cat "$$out/log"; exit 1; }; \
	done; \
	echo "smoke: $(words $(NOTEBOOKS)) passed, 0 failed"

# bench/latest.json in Biome's format, so that `make test`'s lint passes after a bench.
bench: setup
	node bin/kombat.js bench --json >bench/latest.tmp.json
	biome format --write bench/latest.tmp.json >/dev/null
	mv bench/latest.tmp.json bench/latest.json
	cat bench/latest.json

# The same, with Debian's PyTorch installed first (optional, large; never part of `make test`): `kombat bench`
# then times the same network in PyTorch in the same run (bench/torch_mobilenet.py).
bench-torch: setup
	@/usr/bin/python3 -c 'import torch' 2>/dev/null || { $(call apt_install, python3-torch); }
	node bin/kombat.js bench --json >bench/latest.tmp.json
	biome format --write bench/latest.tmp.json >/dev/null
	mv bench/latest.tmp.json bench/latest.json
	cat bench/latest.json

clean:
	rm -rf dist reports/notebooks
