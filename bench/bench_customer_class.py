"""Benchmark of the nightly ABC customer class computation (issue 5).

Seeds N customers with one posted invoice each (SQL copies of one ORM-created invoice,
in a transaction that is rolled back) and times
``res.partner._crm_compute_customer_classes`` and counts its queries.

    .venv/bin/python bench/bench_customer_class.py -d <db> [--customers 10000]
"""

import time

from common import parse_args
from common import registry as open_registry


def copy_sql(cr, table, exclude):
    """Column names of ``table`` from the catalog: the f-strings below only ever
    interpolate these names, never values."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        (table,),
    )
    return [c for (c,) in cr.fetchall() if c not in exclude]


def seed(env, customers):
    from odoo import Command, fields

    partner = env["res.partner"].create({"name": "Bench customer", "is_company": True})
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [
                Command.create({"name": "Bench", "quantity": 1, "price_unit": 100.0})
            ],
        }
    )
    invoice.action_post()
    env.flush_all()
    cr = env.cr
    cols = copy_sql(cr, "res_partner", {"id", "commercial_partner_id", "complete_name"})
    names = ", ".join(f'"{c}"' for c in cols)
    src = ", ".join(f'p."{c}"' for c in cols)
    cr.execute(
        f"""INSERT INTO res_partner ({names})
            SELECT {src} FROM res_partner p, generate_series(1, %s) g WHERE p.id = %s
            RETURNING id""",
        (customers, partner.id),
    )
    partner_ids = [pid for (pid,) in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
        (partner_ids,),
    )
    move_cols = copy_sql(cr, "account_move", {"id", "name", "partner_id", "commercial_partner_id"})
    names = ", ".join(f'"{c}"' for c in move_cols)
    src = ", ".join(f'm."{c}"' for c in move_cols)
    cr.execute(
        f"""INSERT INTO account_move (name, partner_id, commercial_partner_id, {names})
            SELECT 'BENCH/' || n, pid, pid, {src}
              FROM account_move m, unnest(%s::int[]) WITH ORDINALITY AS u(pid, n)
             WHERE m.id = %s
            RETURNING id""",
        (partner_ids, invoice.id),
    )
    move_ids = [mid for (mid,) in cr.fetchall()]
    line_cols = copy_sql(
        cr, "account_move_line", {"id", "move_id", "partner_id", "balance", "move_name"}
    )
    names = ", ".join(f'"{c}"' for c in line_cols)
    src = ", ".join(f'l."{c}"' for c in line_cols)
    # revenues from a long-tailed distribution so that the three classes appear
    cr.execute(
        f"""INSERT INTO account_move_line (move_id, partner_id, balance, {names})
            SELECT mid, pid, -ROUND((1000.0 / n)::numeric, 2), {src}
              FROM account_move_line l,
                   unnest(%s::int[], %s::int[]) WITH ORDINALITY AS u(mid, pid, n)
             WHERE l.move_id = %s AND l.display_type = 'product'""",
        (move_ids, partner_ids, invoice.id),
    )
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
    return partner_ids


def main():
    args = parse_args(__doc__, [("--customers", int, 10000, None)])

    import odoo
    from odoo import api

    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        partner_ids = seed(env, args.customers)
        Partner = env["res.partner"]
        env.flush_all()
        queries = cr.sql_log_count
        start = time.perf_counter()
        changed = Partner._crm_compute_customer_classes()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        start = time.perf_counter()
        again = Partner._crm_compute_customer_classes()
        elapsed_again = time.perf_counter() - start
        # the classes are per company (company-dependent jsonb): those of the seed's
        cr.execute(
            """SELECT crm_customer_class_company ->> %s, COUNT(*) FROM res_partner
                WHERE id = ANY(%s) GROUP BY 1 ORDER BY 1""",
            (str(env.company.id), partner_ids),
        )
        classes = dict(cr.fetchall())
        cr.rollback()
    print(
        f"{args.customers} customers: {elapsed:.2f} s, {queries} queries, "
        f"{changed} classes set {classes}; second run {elapsed_again:.2f} s, "
        f"{again} changed"
    )


if __name__ == "__main__":
    main()
