"""The web channel of the request intake against Odoo's multi-process server.

Starts Odoo with ``--workers=2`` on a copy of <db>, on 127.0.0.1 and a free port. Two
clients post N requests each (default 100: 200 in all) at the same time to
``/crm/request/submit`` (JSON, with the team's key), each in a bounded loop; the first
half of both clients' requests give the same e-mail addresses (the same new customer
arriving twice at the same moment), the rest their own. The team has three CRM
salespeople and its first order stage plans a "call back within 15 minutes".

Checks from the base tables: every request landed once (one request, one deal, one
call-back activity for the salesperson), no e-mail has two customers, and the new
prospects were dealt out round robin within +-1 (a request of a customer created a moment
before goes to that customer's owner, as the intake says). Prints requests/s, the time
from sending a request to its answer (the deal and its activity are committed before the
answer leaves) and the retries Odoo made on concurrent transactions.

    .venv/bin/python bench/bench_intake.py -d <db> [--requests 100]

<db> must have crm_extension installed and no open connection; the copy
(``<db>_bench_intake``) is dropped at the end, the server killed. The rate limit is
turned off in the copy (every request comes from 127.0.0.1).
"""

import statistics
import threading
import time

import psycopg2
import requests
from bench_bridge_workers import free_port, start_server, stop_server
from common import database_copy, parse_args
from common import registry as open_registry

ANSWER_TIMEOUT = 120  # seconds for one request to answer
ALONE = 20  # requests of one client alone, before the two clients


def setup(registry):
    """A team of three CRM salespeople with a request key; the first order stage plans
    the call back. Returns (key, salesperson ids)."""
    from odoo import SUPERUSER_ID, Command, api
    from odoo.tests import new_test_user

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        users = [
            new_test_user(
                env, login=f"bench_intake_{i}", groups="crm_extension.group_crm_salesperson"
            )
            for i in range(3)
        ]
        leader = new_test_user(
            env, login="bench_intake_lead", groups="crm_extension.group_crm_manager"
        )
        team = env["crm.team"].create(
            {
                "name": "Bench intake",
                "user_id": leader.id,
                "company_id": env.company.id,
                "member_ids": [(4, user.id) for user in users],
            }
        )
        team.action_crm_request_generate_key()
        first = env["crm.pipeline.stage"].search(
            [("scope", "=", "order")], order="sequence, id", limit=1
        )
        first.write(
            {
                "activity_line_ids": [
                    Command.clear(),
                    Command.create(
                        {
                            "activity_type_id": env.ref("mail.mail_activity_data_call").id,
                            "summary": "Call the client back",
                            "delay": 15,
                            "delay_unit": "minutes",
                        }
                    ),
                ]
            }
        )
        env["ir.config_parameter"].set_param("crm_extension.request_rate_limit", 0)
        cr.commit()
        return team.crm_request_key, team.id, [user.id for user in users]


def client(port, key, name, n, latencies, errors, shared=True):
    """Post ``n`` requests one after the other (a bounded loop); with ``shared``, the
    first half give the e-mails every such client gives."""
    session = requests.Session()
    for j in range(n):
        email = f"shared{j}@bench.example" if shared and j < n // 2 else f"{name}{j}@bench.example"
        payload = {
            "key": key,
            "contact_name": f"Bench {name} {j}",
            "email": email,
            "message": f"Request {j} of client {name}",
        }
        start = time.perf_counter()
        try:
            response = session.post(
                f"http://127.0.0.1:{port}/crm/request/submit", json=payload, timeout=ANSWER_TIMEOUT
            )
            ok = response.status_code == 200 and response.json().get("status") == "ok"
        except requests.RequestException as error:
            ok, response = False, error
        latencies.append(time.perf_counter() - start)
        if not ok:
            errors.append((name, j, getattr(response, "status_code", response)))


def check(cursor, team_id, expected):
    cursor.execute(
        """SELECT COUNT(*), COUNT(DISTINCT r.order_id), COUNT(r.order_id)
             FROM crm_request r WHERE r.team_id = %s""",
        [team_id],
    )
    requests_count, distinct_orders, with_order = cursor.fetchone()
    cursor.execute(
        """SELECT COUNT(*) FROM crm_request r
             JOIN mail_activity a ON a.res_model = 'sale.order' AND a.res_id = r.order_id
                  AND a.crm_stage_id IS NOT NULL AND a.user_id = r.user_id
            WHERE r.team_id = %s""",
        [team_id],
    )
    activities = cursor.fetchone()[0]
    cursor.execute(
        """SELECT email_normalized, COUNT(*) FROM res_partner
            WHERE email_normalized LIKE '%%@bench.example' AND active
            GROUP BY email_normalized HAVING COUNT(*) > 1"""
    )
    twins = cursor.fetchall()
    cursor.execute(
        """SELECT COUNT(DISTINCT email_normalized) FROM res_partner
            WHERE email_normalized LIKE '%%@bench.example'"""
    )
    customers = cursor.fetchone()[0]
    cursor.execute(
        """SELECT user_id, COUNT(*) FROM crm_request
            WHERE team_id = %s AND crm_match_key IS NULL GROUP BY user_id""",
        [team_id],
    )
    turns = dict(cursor.fetchall())
    return {
        "requests": requests_count,
        "expected": expected,
        "deals": distinct_orders,
        "requests without deal": requests_count - with_order,
        "call-back activities": activities,
        "customers": customers,
        "e-mails with two customers": len(twins),
        "turns": turns,
    }


def main():
    args = parse_args(__doc__, extra=[("--requests", int, 100, None)])
    n = args.requests
    with database_copy(args, "bench_intake"):
        registry = open_registry(args)
        key, team_id, user_ids = setup(registry)
        from odoo.sql_db import close_db

        close_db(args.database)
        port = free_port()
        server = start_server(args, port)
        try:
            # one client alone first, with e-mails of its own
            alone, errors = [], []
            client(port, key, "alone", ALONE, alone, errors, shared=False)
            latencies = []
            threads = [
                threading.Thread(target=client, args=(port, key, name, n, latencies, errors))
                for name in ("a", "b")
            ]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start
            db = psycopg2.connect(dbname=args.database, host=args.db_host)
            result = check(db.cursor(), team_id, 2 * n + ALONE)
            db.close()
        finally:
            stop_server(server)
        turns = [result["turns"].get(uid, 0) for uid in user_ids]
        latencies.sort()
        print(f"one client alone: median {statistics.median(alone) * 1000:.0f} ms per request")
        print(
            f"{2 * n} requests from 2 clients in {elapsed:.1f} s: {2 * n / elapsed:.1f} requests/s"
        )
        print(
            "request to answer (deal and activity committed): "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )
        for label, value in result.items():
            print(f"{label}: {value}")
        print(f"new prospects per salesperson: {turns}; refused answers: {errors[:5]}")
        print(f"server log: /tmp/{args.database}.log (dropped database)")
        assert not errors, errors
        total = 2 * n + ALONE
        assert result["requests"] == result["deals"] == result["call-back activities"] == total
        assert not result["requests without deal"] and not result["e-mails with two customers"]
        # n // 2 e-mails both clients give, the rest each client's own
        assert result["customers"] == n // 2 + 2 * (n - n // 2) + ALONE, result["customers"]
        assert max(turns) - min(turns) <= 1, turns


if __name__ == "__main__":
    main()
