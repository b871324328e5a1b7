"""Benchmark the quote-to-invoice bridge against Odoo's native invoicing.

Usage (the addon installed in DB; nothing is committed):
    python bench/bench_bridge.py -d DB --addons-path=... [--db_host=127.0.0.1] [-n 100]

Creates N confirmed orders of 3 lines twice, invoices (and posts) them once through the
bridge (action_accounting_create_invoice, mode "posted") and once natively
(one batch _create_invoices(grouped=True) + action_post), and prints queries per order and time.
"""

import sys
import time

import odoo
import odoo.service.server
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tools import config


def make_orders(env, n):
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
    env.flush_all()
    return orders


def measure(env, func):
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    start_queries = cr.sql_log_count
    start = time.perf_counter()
    func()
    env.flush_all()
    return cr.sql_log_count - start_queries, time.perf_counter() - start


def main():
    args = sys.argv[1:]
    n = 100
    if "-n" in args:
        i = args.index("-n")
        n = int(args[i + 1])
        del args[i : i + 2]
    config.parse_config(args)

    odoo.service.server.load_server_wide_modules()
    registry = Registry(
        config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.crm_invoice_mode = "posted"
        native_orders = make_orders(env, n)
        bridge_orders = make_orders(env, n)
        bridge_orders.write({"accounting_state": "requested"})

        def native():
            native_orders._create_invoices(grouped=True).action_post()

        def bridge():
            bridge_orders.action_accounting_create_invoice()

        native_q, native_t = measure(env, native)
        bridge_q, bridge_t = measure(env, bridge)
        assert all(o.accounting_state == "invoiced" for o in bridge_orders)
        print(f"orders: {n} x 3 lines, invoiced and posted one invoice per order")
        print(f"native: {native_q / n:.1f} queries/order, {native_t / n * 1000:.1f} ms/order")
        print(f"bridge: {bridge_q / n:.1f} queries/order, {bridge_t / n * 1000:.1f} ms/order")
        print(
            f"ratio bridge/native: queries {bridge_q / native_q:.2f}, "
            f"time {bridge_t / native_t:.2f}"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
