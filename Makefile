# crm_extension — the two commands of the README (run, test) and lint.
ODOO_SRC ?= /opt/odoo/19.0
VENV ?= $(CURDIR)/.venv
export ODOO_SRC VENV

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
