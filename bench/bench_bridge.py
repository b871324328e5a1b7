"""Benchmark of the quote-to-invoice bridge against native Odoo, in the same run.

Orders of 3 lines, confirmed, one invoice per order, invoiced by the same accountant (a
user with the CRM accountant role):
  1. review mode, N orders (default 50): the accountant's Create Invoice
     (``action_accounting_create_invoice``, draft invoices) vs native
     ``_create_invoices(grouped=True)``; target <= 1.1x;
  2. posted mode, N orders: Create Invoice (invoices posted) vs native
     ``_create_invoices(grouped=True)`` then ``action_post()``; target <= 1.05x;
  3. review mode, the background job (default 1000 orders: Create Invoice hands them to
     the job, whose method is run here in-process, committing chunk by chunk) vs the
     interactive path at its largest size (100 orders): cost per order, target <= 1.1x.
Each comparison warms both sides up on 10 orders, then runs them in ``--repeat`` rounds
(5; the job's comparison ``--job-repeat``, 2), both sides one after the other in each
round. It prints queries, the fastest wall and CPU milliseconds per order (CPU of this
Odoo process plus its PostgreSQL backend: little affected by other load on a shared
machine) and the ratios, each the median over the rounds of the ratio within a round
(the same path varies by 10% from one minute to the next on these machines, and a
ratio of two fastest runs taken minutes apart carries that); the targets are judged on
CPU time.

    .venv/bin/python bench/bench_bridge.py -d <db> [--orders 50] [--job-orders 1000]
        [--repeat 5] [--job-repeat 2]

The bridge commits, so the benchmark works in a copy of <db> (``<db>_bench_bridge``,
created from it as a template and dropped at the end); <db> must have crm_extension
installed with a chart of accounts and no open connection.
"""

import statistics
import time

from common import cpu_seconds, database_copy, parse_args
from common import registry as open_registry


def make_orders(env, n, partner, products):
    from odoo import Command

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
    """(queries, wall seconds, CPU seconds of Odoo and its database backend) of
    ``func``, flushed with its tracking, on a cold cache."""
    env.cr.flush()
    env.invalidate_all()
    before = env.cr.sql_log_count
    cpu = cpu_seconds(env.cr)
    start = time.perf_counter()
    func()
    env.cr.flush()
    wall = time.perf_counter() - start
    # the two queries of cpu_seconds are not the measured path's
    queries = env.cr.sql_log_count - before - 1
    return queries, wall, cpu_seconds(env.cr) - cpu


class Bench:
    def __init__(self, registry):
        from odoo import SUPERUSER_ID, api
        from odoo.tests import new_test_user

        self.registry = registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.accountant_id = new_test_user(
                env,
                login="bench_bridge_accountant",
                groups="crm_extension.group_crm_accountant",
            ).id
            self.partner_id = env["res.partner"].create({"name": "Bench customer"}).id
            self.product_ids = (
                env["product.product"]
                .create([{"name": f"Bench product {i}", "list_price": 10.0 + i} for i in range(3)])
                .ids
            )

    def run(self, mode, n, side):
        """Create ``n`` orders and invoice them ``side`` ("native" or "bridge") in ``mode``;
        returns (queries, wall seconds, CPU seconds)."""
        from odoo import SUPERUSER_ID, api

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.company.crm_invoice_mode = mode
            orders = make_orders(
                env,
                n,
                env["res.partner"].browse(self.partner_id),
                env["product.product"].browse(self.product_ids),
            )
            if side != "native":
                orders.sudo().write({"accounting_state": "requested"})
            cr.commit()
            mine = orders.with_user(self.accountant_id)
            if side == "native" and mode == "posted":
                result = measure(env, lambda: mine._create_invoices(grouped=True).action_post())
            elif side == "native":
                result = measure(env, lambda: mine._create_invoices(grouped=True))
            elif side == "bridge":
                result = measure(env, mine.action_accounting_create_invoice)
            else:  # the background job: the request hands over, the job invoices
                Job = env["sale.order.accounting.invoice"]

                def job():
                    mine.action_accounting_create_invoice()
                    Job._cron_accounting_invoice()

                result = measure(env, job)
            cr.commit()
            orders.invalidate_recordset()
            expected = {"review": "draft", "posted": "invoiced"}[mode]
            assert side == "native" or set(orders.mapped("accounting_state")) == {expected}
            assert all(len(order.invoice_ids) == 1 for order in orders)
        return result

    def compare(self, label, mode, sides, repeat):
        """Print the two sides per order (their fastest run) and the ratios: the median
        over the rounds of the ratio within a round, where both sides ran one after the
        other under the same load of the machine; return the CPU time ratio."""
        for side, n in sides:  # warm-up: the first run of a path fills Odoo's caches
            self.run(mode, min(n, 10), side)
        rounds = []
        for _i in range(repeat):
            rounds.append(
                {side: tuple(value / n for value in self.run(mode, n, side)) for side, n in sides}
            )
        (base, _n), (other, _m) = sides
        print(label)
        for side, _n in sides:
            queries = rounds[0][side][0]
            wall = min(run[side][1] for run in rounds)
            cpu = min(run[side][2] for run in rounds)
            print(f"  {side:8} {queries:>14.1f} {wall * 1000:>9.1f} {cpu * 1000:>9.1f}")
        ratios = [
            statistics.median(run[other][i] / run[base][i] for run in rounds) for i in range(3)
        ]
        print(
            f"  {'ratio':8} {ratios[0]:>14.2f} {ratios[1]:>9.2f} {ratios[2]:>9.2f}"
            f"   ({other} / {base}, median of {repeat} rounds)"
        )
        return ratios[2]


def main():
    args = parse_args(
        __doc__,
        extra=[("--orders", int, 50, None), ("--job-orders", int, 1000, None)]
        + [("--repeat", int, 5, None), ("--job-repeat", int, 2, None)],
    )
    with database_copy(args, "bench_bridge"):
        bench = Bench(open_registry(args))
        n = args.orders
        print("orders of 3 lines, one invoice per order   queries/order  ms/order  CPU ms/order")
        review = bench.compare(
            f"review mode, {n} orders: draft invoices",
            "review",
            [("native", n), ("bridge", n)],
            args.repeat,
        )
        posted = bench.compare(
            f"posted mode, {n} orders: invoices posted",
            "posted",
            [("native", n), ("bridge", n)],
            args.repeat,
        )
        job = bench.compare(
            f"review mode: the job for {args.job_orders} orders vs Create Invoice for 100",
            "review",
            [("bridge", 100), ("job", args.job_orders)],
            args.job_repeat,
        )
        for name, ratio, target in (
            ("review", review, 1.1),
            ("posted", posted, 1.05),
            ("job", job, 1.1),
        ):
            verdict = "ok" if ratio <= target else "ABOVE TARGET"
            print(f"{name:7} {ratio:.2f} in CPU time (target <= {target}) {verdict}")


if __name__ == "__main__":
    main()
