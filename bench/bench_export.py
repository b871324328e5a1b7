"""Benchmark of the pipeline analysis Excel export (issues 5 and 12): the Pipeline
Analysis workbook rendered through its report (OCA report_xlsx's ``_render_xlsx``, as the
download does), with three references measured in the same run on the same rows:

- **xlsxwriter alone**: the cells of the "Orders" sheet, already computed and held in
  memory, written with xlsxwriter's public ``write_string``/``write_number`` in
  ``constant_memory`` mode: the library's own cost on this machine, as an export built
  on it normally pays it (the target of issue 12);
- **xlsxwriter bare**: the same cells through the same writers without their
  A1-notation wrapper (``_write_string``/``_write_number``, what xlsxwriter's own
  ``write()`` calls), as ours calls them: the ceiling of any export built on it, for
  reading (no target). Ours / bare is our whole overhead (the database, the names, the
  other sheets);
- **native Odoo**: the web client's *Export → XLSX* (``/web/export/xlsx``, through Odoo's
  WSGI application, as admin) of the same analysis rows and the same 14 columns.

The exports run in ``--repeat`` rounds (5), each round running each export once in
turn. The times printed are the fastest run of each, as ``timeit`` takes them (the first
run of a process also pays for loading what a working server keeps cached: the report,
translations, the session); each ratio is the median over the rounds of the ratio within
a round, where the two exports ran one after the other under the same load of the
machine (on a shared machine the same export varies by 20% from one minute to the next).
The new rows are vacuumed before measuring, so that autovacuum does not start in the
middle of a run.
For each size it prints seconds, rows per second of wall time and of the process's CPU
time (the database's own time is in neither), the ratios (issue 12: ours ≥ 0.8x xlsxwriter
alone and ≥ 2.5x native Odoo, in rows per second of wall time), and the peak Python memory
of our export (an untimed first run, under tracemalloc).

    .venv/bin/python bench/bench_export.py -d <db> [--rows 10000 100000] [--repeat 5]
        [--no-native]

The native export needs committed data and a login, so the benchmark works in a copy of
<db> (``<db>_bench_export``, created from it as a template and dropped at the end); <db>
must have crm_extension installed and no open connection.
"""

import gc
import json
import statistics
import subprocess
import tempfile
import time
import tracemalloc

from common import database_copy, parse_args
from common import registry as open_registry

REPORT = "crm_extension.pipeline_xlsx"
TARGETS = {"xlsxwriter": 0.8, "native": 2.5}  # minimum ratios of our rate to theirs
REFERENCES = [  # (export, label); the undecorated writers have no target: for reading
    ("xlsxwriter", "xlsxwriter alone"),
    ("undecorated", "xlsxwriter bare"),
    ("native", "native Odoo"),
]

PASSWORD = "bench-export"  # of the admin of the throwaway copy only


def seed(env, rows):
    """``rows`` quotations: one created by the ORM, the others SQL copies of it."""
    from odoo import Command

    partner = env["res.partner"].create({"name": "Bench customer", "customer_rank": 1})
    product = env["product.product"].create({"name": "Bench product", "list_price": 100})
    template = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "user_id": env.ref("base.user_admin").id,
            "order_line": [Command.create({"product_id": product.id, "price_unit": 123.45})],
        }
    )
    env.flush_all()
    cr = env.cr
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'sale_order' AND column_name NOT IN ('id', 'name')"""
    )
    columns = [c for (c,) in cr.fetchall()]
    cols = ", ".join(f'"{c}"' for c in columns)
    src = ", ".join(f's."{c}"' for c in columns)
    cr.execute(
        f"""INSERT INTO sale_order (name, {cols})
            SELECT 'BENCH' || g, {src}
              FROM sale_order s, generate_series(1, %s) g
             WHERE s.id = %s""",
        (rows - 1, template.id),
    )
    cr.execute("ANALYZE sale_order")
    return [("id", ">=", template.id)]


def timed(func):
    """(wall seconds, CPU seconds of this process) of ``func()``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - start, time.process_time() - cpu_start


def ours_export(Report, domain):
    """The workbook as its download renders it, once."""
    Reports = Report.env["ir.actions.report"]

    def render():
        Reports._render_xlsx(REPORT, None, data={"domain": domain})

    return render


def peak_memory(func):
    """Peak Python memory of ``func()``, under tracemalloc."""
    tracemalloc.start()
    func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def orders_cells(Report, domain):
    """The cells of the export's "Orders" sheet, per row: [(column, value, format
    name)], computed with the report's own fetch (dates already Excel serials) and
    names."""
    from odoo.addons.crm_extension.report.crm_pipeline_report_xlsx import ORDER_COLUMNS

    Workbook = Report.env["report." + REPORT]
    rows, last_id = [], 0
    while batch := Workbook._get_rows_batch(Report, ORDER_COLUMNS, domain, last_id):
        last_id = batch[-1][0]
        names = Workbook._get_m2o_names(Report, ORDER_COLUMNS, batch)
        for values in batch:
            cells = []
            for col, (name, kind) in enumerate(ORDER_COLUMNS):
                value = values[col + 1]
                if value is None or (kind == "m2o" and not value):
                    continue
                if kind == "m2o":
                    value = names[name].get(value, "")
                cells.append((col, value, None if kind in ("text", "m2o") else kind))
            rows.append(cells)
    return rows


def xlsxwriter_export(rows, undecorated=False):
    """Write ``rows`` (from ``orders_cells``) with nothing but xlsxwriter, once: with
    its public ``write_string``/``write_number``, or with the same writers without
    their A1-notation wrapper (``_write_string``/``_write_number``), as ours calls
    them."""
    import xlsxwriter

    def write(fileobj):
        workbook = xlsxwriter.Workbook(fileobj, {"constant_memory": True, "in_memory": False})
        sheet = workbook.add_worksheet()
        write_string, write_number = (
            (sheet._write_string, sheet._write_number)
            if undecorated
            else (sheet.write_string, sheet.write_number)
        )
        formats = {
            kind: workbook.add_format({"num_format": num_format})
            for kind, num_format in (
                ("date", "yyyy-mm-dd"),
                ("money", "#,##0.00"),
                ("float", "0.0"),
            )
        }
        for row, cells in enumerate(rows, 1):
            for col, value, kind in cells:
                if kind is None:
                    write_string(row, col, value)
                else:
                    write_number(row, col, value, formats[kind])
        workbook.close()
        return len(rows)

    def export():
        with tempfile.TemporaryFile() as tmp:
            write(tmp)

    return export


def native_export(database, Report, domain):
    """Odoo's own *Export → XLSX* of the same rows and columns, through its WSGI
    application as the web client calls it, once."""
    from werkzeug.test import Client

    from odoo import http

    from odoo.addons.crm_extension.report.crm_pipeline_report_xlsx import ORDER_COLUMNS

    client = Client(http.root)
    local = {"REMOTE_ADDR": "127.0.0.1"}
    response = client.post(
        "/web/session/authenticate",
        json={"params": {"db": database, "login": "admin", "password": PASSWORD}},
        environ_base=local,
    )
    assert "error" not in response.json, response.json
    sid = next(cookie.value for cookie in client.cookie_jar if cookie.name == "session_id")

    class Session:  # what http.Request.csrf_token reads, as in Odoo's own export tests
        env = Report.env
        session = type("session", (), {"sid": sid})

    fields = [
        {
            "name": name,
            "label": Report._fields[name].string,
            "type": Report._fields[name].type,
        }
        for name, _kind in ORDER_COLUMNS
    ]
    data = {
        "model": Report._name,
        "fields": fields,
        "ids": False,
        "domain": domain,
        "import_compat": False,
        "context": {"lang": "en_US"},
    }

    def export():
        response = client.post(
            "/web/export/xlsx",
            data={"data": json.dumps(data), "csrf_token": http.Request.csrf_token(Session)},
            environ_base=local,
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        assert response.headers["Content-Type"].startswith("application/vnd.openxml")

    return export


def vacuum(args):
    """VACUUM ANALYZE sale_order now, so that autovacuum does not start on the new
    rows in the middle of a measure."""
    subprocess.run(
        ["psql", "-h", args.db_host, "-d", args.database, "-qc", "VACUUM ANALYZE sale_order"],
        check=True,
    )


def run(registry, args, rows):
    """{export: [(wall, CPU) of each of ``args.repeat`` rounds]}, each round running
    every export once in turn, and "peak": our export's peak Python memory."""
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        admin.password = PASSWORD
        domain = seed(env, rows)
        cr.commit()
        vacuum(args)
        try:
            Report = env(user=admin.id, context={"lang": "en_US"})["crm.pipeline.report"]
            exports = {"ours": ours_export(Report, domain)}
            peak = peak_memory(exports["ours"])
            cells = orders_cells(Report, domain)
            # the reference's cells stay in memory: out of reach of the garbage
            # collector, whose passes over them would slow the others down
            gc.freeze()
            exports["xlsxwriter"] = xlsxwriter_export(cells)
            exports["undecorated"] = xlsxwriter_export(cells, undecorated=True)
            if not args.no_native:
                exports["native"] = native_export(cr.dbname, Report, domain)
            runs = {name: [] for name in exports}
            for _round in range(max(1, args.repeat)):
                for name, export in exports.items():
                    Report.env.invalidate_all()
                    runs[name].append(timed(export))
            del cells, exports
            gc.unfreeze()
        finally:
            cr.rollback()
            cr.execute("DELETE FROM sale_order WHERE id >= %s", (domain[0][2],))
            cr.commit()
        vacuum(args)
    return runs | {"peak": peak}


def main():
    args = parse_args(
        __doc__,
        [
            ("--rows", int, [10000, 100000], "+"),
            ("--repeat", int, 5, None),
            ("--no-native", bool, False, None),
        ],
    )
    with database_copy(args, "bench_export"):
        registry = open_registry(args)
        print(
            f"{'rows':>7} {'export':<17} {'seconds':>8} {'rows/s':>8} {'rows/CPU s':>10}"
            f" {'ours/it rate':>12}"
        )
        for rows in args.rows:
            result = run(registry, args, rows)
            wall, cpu = min(result["ours"])
            print(f"{rows:>7} {'ours':<17} {wall:>8.2f} {rows / wall:>8.0f} {rows / cpu:>10.0f}")
            verdicts = []
            for name, label in REFERENCES:
                if name not in result:
                    continue
                ref_wall, ref_cpu = min(result[name])
                # our rows/s over theirs in each round, the median of the rounds: the
                # two ran one after the other, under the same load of the machine
                pairs = list(zip(result["ours"], result[name], strict=True))
                ratio = statistics.median(theirs[0] / ours[0] for ours, theirs in pairs)
                cpu_ratio = statistics.median(theirs[1] / ours[1] for ours, theirs in pairs)
                print(
                    f"{rows:>7} {label:<17} {ref_wall:>8.2f} {rows / ref_wall:>8.0f}"
                    f" {rows / ref_cpu:>10.0f} {ratio:>12.2f}"
                )
                target = TARGETS.get(name)
                met = f"≥ {target}x: {'met' if ratio >= target else 'NOT met'}; " if target else ""
                verdicts.append(f"{ratio:.2f}x {label} ({met}{cpu_ratio:.2f}x in CPU time)")
            print(f"{rows:>7} ours = " + ", ".join(verdicts))
            print(f"{rows:>7} peak Python memory of ours: {result['peak'] / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
