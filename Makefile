# crm_extension — the two commands of the README (run, test) and lint.
ODOO_SRC ?= /opt/odoo/19.0
VENV ?= $(CURDIR)/.venv
# make run WORKERS=2: Odoo's multi-process mode (2 HTTP workers, 1 cron worker)
WORKERS ?= 0
export ODOO_SRC VENV WORKERS

.PHONY: setup run test lint bench clean

setup:
	@bash scripts/setup.sh

run:
	@bash scripts/setup.sh
	@bash scripts/run.sh

test:
	@WITH_BROWSER=1 bash scripts/setup.sh
	@bash scripts/test.sh

lint:
	@bash scripts/setup.sh
	@bash scripts/lint.sh

bench:
	@bash scripts/setup.sh
	@bash scripts/bench.sh

clean:
	rm -rf $(VENV) .cache
