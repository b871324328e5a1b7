"""Benchmark of the customer card figures (issue 4) against native Odoo in the same run.

Seeds data in a transaction that is rolled back, then measures, as the admin user:
  1. the partner form read (``web_read`` with the form's fields): queries with and
     without the card's fields;
  2. a list of N customers (``web_search_read``): the native list with ``credit`` vs the
     same list with the card's columns — queries and time;
  3. the figures of a customer with 1000 posted invoices vs one with none — time ratio.

    .venv/bin/python bench/bench_card.py -d <db> [--customers 1000] [--invoices 1000]

The database must have crm_extension installed (with a chart of accounts). Nothing is
committed.
"""

import time

from common import parse_args
from common import registry as open_registry

CARD_COLUMNS = [
    "crm_open_balance",
    "crm_overdue_amount",
    "crm_overdue_days",
    "crm_open_invoice_count",
]
LIST_COLUMNS = ["display_name", "email", "phone", "country_id", "user_id"]


def queries(env, func, repeat=3):
    """(queries, best seconds) of ``func`` on a cold cache."""
    best, count = None, 0
    for _i in range(repeat):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        count = env.cr.sql_log_count - before
        best = elapsed if best is None else min(best, elapsed)
    return count, best


def seed(env, customers, invoices):
    from odoo import Command, fields

    Partner = env["res.partner"]
    many = Partner.create(
        [{"name": f"Bench customer {i}", "customer_rank": 1} for i in range(customers)]
    )
    heavy = Partner.create({"name": "Bench heavy", "customer_rank": 1})
    empty = Partner.create({"name": "Bench empty", "customer_rank": 1})
    product = env["product.product"].create({"name": "Bench product", "list_price": 10.0})
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": heavy.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 10.0, "tax_ids": []})
                ],
            }
            for _i in range(invoices)
        ]
    )
    moves.action_post()
    # a few invoices spread over the list customers
    env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 5.0, "tax_ids": []})
                ],
            }
            for partner in many[::10]
        ]
    ).action_post()
    env.flush_all()
    return many, heavy, empty


def main():
    args = parse_args(__doc__, [("--customers", int, 1000, None), ("--invoices", int, 1000, None)])

    import odoo
    from odoo import api

    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        many, heavy, empty = seed(env, args.customers, args.invoices)
        env = env(user=admin.id, context={"lang": "en_US"})
        Partner = env["res.partner"]

        views = Partner.get_views([(False, "form")])
        form = views["models"]["res.partner"]["fields"]
        card = {name for name in form if name.startswith("crm_")}
        native_spec = {name: {} for name in form if name not in card}
        full_spec = {name: {} for name in form}
        record = Partner.browse(heavy.id)
        native_q, _t = queries(env, lambda: record.web_read(native_spec))
        card_q, _t = queries(env, lambda: record.web_read(full_spec))
        print(
            f"form read: native {native_q} queries, with the card {card_q} (+{card_q - native_q})"
        )

        domain = [("id", "in", many.ids)]
        native_list = {name: {} for name in [*LIST_COLUMNS, "credit"]}
        card_list = {name: {} for name in [*LIST_COLUMNS, *CARD_COLUMNS]}
        nq, nt = queries(env, lambda: Partner.web_search_read(domain, native_list, limit=None))
        cq, ct = queries(env, lambda: Partner.web_search_read(domain, card_list, limit=None))
        print(
            f"list of {len(many)}: native with credit {nq} queries {nt * 1000:.0f} ms, "
            f"with the card columns {cq} queries {ct * 1000:.0f} ms (x{ct / nt:.2f})"
        )

        _q0, t0 = queries(env, lambda: Partner.browse(empty.id).read(CARD_COLUMNS), repeat=5)
        _q1, t1 = queries(env, lambda: Partner.browse(heavy.id).read(CARD_COLUMNS), repeat=5)
        print(
            f"figures: 0 invoices {t0 * 1000:.1f} ms, {args.invoices} invoices "
            f"{t1 * 1000:.1f} ms (x{t1 / t0:.2f}), queries {_q0} vs {_q1}"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
