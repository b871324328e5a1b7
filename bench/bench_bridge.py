"""Benchmark of the quote-to-invoice bridge (issue 3) against native Odoo in the same run.

For each N (default 100 and 1000), creates N confirmed orders of 3 lines twice and invoices
and posts one invoice per order
  - natively: one transaction, ``_create_invoices(grouped=True)`` then ``action_post()``
    (what the "Create invoice" wizard does for a selection);
  - through the bridge: ``action_accounting_create_invoice()`` as the accountant would, in
    company mode "posted", which commits chunk by chunk above 100 orders.
Prints queries and milliseconds per order, the bridge/native ratios, and the bridge's cost
per order at each N against the smallest N.

    .venv/bin/python bench/bench_bridge.py -d <db> [--sizes 100 1000]

The bridge commits, so the benchmark works in a copy of <db> (``<db>_bench_bridge``,
created from it as a template and dropped at the end); <db> must have crm_extension
installed with a chart of accounts and no open connection.
"""

import time

from common import database_copy, parse_args
from common import registry as open_registry


def make_orders(env, n):
    from odoo import Command

    partner = env["res.partner"].create({"name": "Bench customer"})
    products = env["product.product"].create(
        [{"name": f"Bench product {i}", "list_price": 10.0 + i} for i in range(3)]
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": p.id, "product_uom_qty": 2}) for p in products
                ],
            }
            for _i in range(n)
        ]
    )
    orders.action_confirm()
    return orders


def measure(env, func):
    """(queries, seconds) of ``func``, flushed, on a cold cache."""
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    env.flush_all()
    return env.cr.sql_log_count - before, time.perf_counter() - start


def run(registry, n):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company.crm_invoice_mode = "posted"
        native_orders = make_orders(env, n)
        bridge_orders = make_orders(env, n)
        bridge_orders.write({"accounting_state": "requested"})
        cr.commit()

        native = measure(env, lambda: native_orders._create_invoices(grouped=True).action_post())
        cr.commit()
        bridge = measure(env, bridge_orders.action_accounting_create_invoice)
        cr.commit()
        bridge_orders.invalidate_recordset()
        assert set(bridge_orders.mapped("accounting_state")) == {"invoiced"}
        assert all(len(order.invoice_ids) == 1 for order in bridge_orders)
        assert set(bridge_orders.invoice_ids.mapped("state")) == {"posted"}
    return native, bridge


def main():
    args = parse_args(__doc__, extra=[("--sizes", int, [100, 1000], "+")])
    with database_copy(args, "bench_bridge"):
        registry = open_registry(args)
        per_order = {}
        print("orders of 3 lines, one posted invoice per order")
        print(f"{'N':>6} {'':8} {'queries/order':>14} {'ms/order':>9}")
        for n in args.sizes:
            (nq, nt), (bq, bt) = run(registry, n)
            per_order[n] = bt / n
            print(f"{n:>6} {'native':8} {nq / n:>14.1f} {nt / n * 1000:>9.1f}")
            print(f"{n:>6} {'bridge':8} {bq / n:>14.1f} {bt / n * 1000:>9.1f}")
            print(f"{n:>6} {'ratio':8} {bq / nq:>14.2f} {bt / nt:>9.2f}   (bridge / native)")
        base = args.sizes[0]
        for n in args.sizes[1:]:
            ratio = per_order[n] / per_order[base]
            print(f"bridge cost per order at N={n} / at N={base}: {ratio:.2f}")


if __name__ == "__main__":
    main()
