"""Benchmark of the pipeline analysis Excel export (issue 5).

Seeds N quotations by SQL (copies of one ORM-created order, in a transaction that is
rolled back), then measures ``crm.pipeline.report._xlsx_write`` as an admin user:
rows per second of wall time and of the process's CPU time (the machine is shared: wall
time varies with the load of others, CPU time much less; the database's own time is in
neither) and peak Python memory (second run under tracemalloc).

    .venv/bin/python bench/bench_export.py -d <db> [--rows 10000 100000]

The database must have crm_extension installed. Nothing is committed.
"""

import resource
import tempfile
import time
import tracemalloc

from common import parse_args
from common import registry as open_registry


def seed(env, rows):
    from odoo import Command

    partner = env["res.partner"].create({"name": "Bench customer", "customer_rank": 1})
    product = env["product.product"].create({"name": "Bench product", "list_price": 100})
    template = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "user_id": env.user.id,
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
    return [("id", ">=", template.id)], template


def measure(env, domain):
    Report = env["crm.pipeline.report"]
    with tempfile.TemporaryFile() as tmp:
        start, cpu_start = time.perf_counter(), time.process_time()
        count = Report._xlsx_write(tmp, domain)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        size = tmp.tell()
    env.invalidate_all()
    tracemalloc.start()
    with tempfile.TemporaryFile() as tmp:
        Report._xlsx_write(tmp, domain)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    env.invalidate_all()
    return count, elapsed, cpu, peak, size


def main():
    args = parse_args(__doc__, [("--rows", int, [10000, 100000], "+")])

    import odoo
    from odoo import api

    registry = open_registry(args)
    print(
        f"{'rows':>8} {'seconds':>8} {'rows/s':>8} {'CPU s':>6} {'rows/CPU s':>10} "
        f"{'peak MiB':>9} {'xlsx MiB':>9}"
    )
    for rows in args.rows:
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            env = env(user=admin.id, context={"lang": "en_US"})
            domain, _template = seed(env(su=True), rows)
            count, elapsed, cpu, peak, size = measure(env, domain)
            cr.rollback()
        assert count == rows, (count, rows)
        print(
            f"{count:>8} {elapsed:>8.2f} {count / elapsed:>8.0f} {cpu:>6.2f} {count / cpu:>10.0f} "
            f"{peak / 2**20:>9.1f} {size / 2**20:>9.1f}"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of the process: {max_rss:.0f} MiB")


if __name__ == "__main__":
    main()
