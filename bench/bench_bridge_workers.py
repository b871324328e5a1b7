"""Create Invoice against Odoo's multi-process server: two accountants and the job.

Starts Odoo with ``--workers=2 --max-cron-threads=1`` on a copy of <db>, on 127.0.0.1 and
a free port. Through HTTP (JSON-2, each accountant with an API key), accountant A hands
N orders (default 1000) to the background job with Create Invoice; while the cron worker
works through them, A and B click Create Invoice at the same moment on overlapping
selections of 40 other orders, each selection also holding 5 of the orders the job has.
Checks that every order is invoiced exactly once (plain SQL on the invoice lines), that
both clicks answer at once and name the orders they did not invoice (busy, or with the
job), and that A gets the job's outcome in the inbox. Prints the job's orders per second
beside the same job run in a single process (in this script, before the server starts).

    .venv/bin/python bench/bench_bridge_workers.py -d <db> [--orders 1000]

<db> must have crm_extension installed with a chart of accounts and no open connection;
the copy (``<db>_bench_workers``) is dropped at the end, the server killed.
"""

import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import psycopg2
import requests
from common import ODOO, ROOT, database_copy, parse_args
from common import registry as open_registry

EXTRA = 40  # orders of the two overlapping clicks
START_TIMEOUT = 180  # seconds for the server to answer
JOB_TIMEOUT = 3600  # seconds for the job to finish
CLICK_TIMEOUT = 120  # seconds for a click to answer (it should take a second or two)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(registry, n):
    """Accountants A and B (with API keys) and 2 x n + EXTRA orders sent to accounting."""
    from odoo import SUPERUSER_ID, Command, api
    from odoo.tests import new_test_user

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company.crm_invoice_mode = "review"
        keys, users = {}, {}
        for name in ("a", "b"):
            user = new_test_user(
                env, login=f"bench_workers_{name}", groups="crm_extension.group_crm_accountant"
            )
            users[name] = user
            keys[name] = (
                env["res.users.apikeys"]
                .with_user(user)
                .sudo()
                ._generate(None, "bench", datetime.datetime.now() + datetime.timedelta(days=1))
            )
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
                for _i in range(2 * n + EXTRA)
            ]
        )
        orders.action_confirm()
        orders.sudo().write({"accounting_state": "requested"})
        cr.commit()
        ids = orders.ids
        return users["a"].id, keys, ids[:n], ids[n : 2 * n], ids[2 * n :]


def single_process(registry, accountant_id, ids):
    """Orders per second of the job run in this process (the request, then the job)."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        start = time.perf_counter()
        env["sale.order"].browse(ids).with_user(accountant_id).action_accounting_create_invoice()
        cr.commit()
        env["sale.order.accounting.invoice"]._cron_accounting_invoice()
        cr.commit()
        return len(ids) / (time.perf_counter() - start)


def start_server(args, port):
    command = [
        sys.executable,
        f"{ODOO}/odoo-bin",
        f"--addons-path={ODOO}/addons,{ODOO}/odoo/addons,{ROOT}",
        f"--db_host={args.db_host}",
        f"--database={args.database}",
        f"--db-filter=^{args.database}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        "--workers=2",
        "--max-cron-threads=1",
        "--limit-time-real=900",
        "--limit-time-cpu=900",
        "--log-level=warn",
    ]
    # the server's log in a file: in this virtualenv the gevent worker may not start
    # (it serves the bus only, which this benchmark does not use)
    log = open(f"/tmp/{args.database}.log", "w")  # closed with the process
    server = subprocess.Popen(command, start_new_session=True, stdout=log, stderr=log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=30).ok:
                return server
        except requests.RequestException:
            time.sleep(1)
    stop_server(server)
    raise SystemExit("the Odoo server did not start")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(30)


def create_invoice(port, key, ids):
    """Create Invoice as the accountant of ``key``: (seconds, message) of the answer."""
    start = time.perf_counter()
    response = requests.post(
        f"http://127.0.0.1:{port}/json/2/sale.order/action_accounting_create_invoice",
        json={"ids": ids},
        headers={"Authorization": f"bearer {key}"},
        timeout=CLICK_TIMEOUT,
    )
    seconds = time.perf_counter() - start
    body = response.json()
    if response.ok:
        return seconds, body["params"]["message"]
    return seconds, body.get("message", str(body))  # a UserError: nothing invoiced


def invoices_per_order(cursor, ids):
    """{order id: number of its customer invoices not cancelled}, from the base tables."""
    cursor.execute(
        """
        SELECT so.id, COUNT(DISTINCT am.id)
          FROM sale_order so
          LEFT JOIN sale_order_line sol ON sol.order_id = so.id
          LEFT JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
          LEFT JOIN account_move_line aml ON aml.id = rel.invoice_line_id
          LEFT JOIN account_move am ON am.id = aml.move_id
               AND am.move_type = 'out_invoice' AND am.state != 'cancel'
         WHERE so.id = ANY(%s)
         GROUP BY so.id
        """,
        [list(ids)],
    )
    return dict(cursor.fetchall())


def main():
    args = parse_args(__doc__, extra=[("--orders", int, 1000, None)])
    n = args.orders
    with database_copy(args, "bench_workers"):
        registry = open_registry(args)
        print(f"setting up 2 x {n} + {EXTRA} orders of 3 lines ...", flush=True)
        accountant_a, keys, single_ids, job_ids, extra_ids = setup(registry, n)
        single = single_process(registry, accountant_a, single_ids)
        from odoo.sql_db import close_db

        close_db(args.database)
        port = free_port()
        server = start_server(args, port)
        try:
            db = psycopg2.connect(dbname=args.database, host=args.db_host)
            db.autocommit = True
            cursor = db.cursor()
            start = time.perf_counter()
            seconds, message = create_invoice(port, keys["a"], job_ids)
            print(f"A hands {n} orders to the job: answered in {seconds:.1f} s: {message}")
            # the two clicks: overlapping selections, 5 of the job's orders in each
            selections = {
                "a": extra_ids[: EXTRA * 3 // 4] + job_ids[-5:],
                "b": extra_ids[EXTRA // 4 :] + job_ids[-10:-5],
            }
            answers = {}

            def click(name):
                answers[name] = create_invoice(port, keys[name], selections[name])

            threads = [threading.Thread(target=click, args=(name,)) for name in selections]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(CLICK_TIMEOUT)
            # a click on orders that are all with the job: refused, at once
            seconds, message = create_invoice(port, keys["b"], job_ids[-15:-10])
            print(f"B clicks on 5 orders the job has: {seconds:.2f} s: {message.splitlines()[0]}")
            answers["b, all busy"] = seconds, message
            for name, (seconds, message) in sorted(answers.items())[:2]:
                print(f"{name.upper()} clicks on {len(selections[name])} orders: {seconds:.1f} s")
                print("   " + message.replace("\n", "\n   "))
            deadline = time.monotonic() + JOB_TIMEOUT
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT COUNT(*) FROM sale_order WHERE accounting_invoicing_user_id IS NOT NULL"
                )
                if not cursor.fetchone()[0]:
                    break
                time.sleep(0.5)
            else:
                raise SystemExit("the job did not finish in time")
            job_rate = n / (time.perf_counter() - start)
            counts = invoices_per_order(cursor, job_ids + extra_ids)
            twice = [order_id for order_id, count in counts.items() if count > 1]
            missing = [order_id for order_id, count in counts.items() if count == 0]
            cursor.execute(
                "SELECT COUNT(*) FROM mail_notification n JOIN mail_message m"
                " ON m.id = n.mail_message_id JOIN res_users u ON u.partner_id = n.res_partner_id"
                " WHERE u.id = %s AND m.subject = 'Quotation to Invoice'",
                [accountant_a],
            )
            told = cursor.fetchone()[0]
            db.close()
        finally:
            stop_server(server)
        overlap = set(selections["a"]) & set(selections["b"])
        print(f"orders invoiced twice: {len(twice)}; not invoiced: {len(missing)}")
        print(f"the overlap ({len(overlap)} orders) invoiced once each: {not twice}")
        print(f"server log: /tmp/{args.database}.log (dropped database)")
        print(f"A's inbox has the job's outcome: {bool(told)}")
        print(
            f"job: {job_rate:.1f} orders/s with --workers=2, {single:.1f} orders/s single process"
        )
        slowest = max(seconds for seconds, _message in answers.values())
        assert not twice and not missing, (twice, missing)
        assert told, "the accountant was not told"
        assert slowest < CLICK_TIMEOUT


if __name__ == "__main__":
    main()
