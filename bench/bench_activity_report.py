"""Benchmark of the Activity Analysis (issue 14) against Odoo's own activity list.

Seeds N done activities (archived ``mail.activity`` rows, as ``_action_done`` leaves
them) in bulk with one SQL statement, on customers and deals of 20 salespeople, done
over the last 90 days, in a transaction that is rolled back. Then, in the same run and
alternated, best of ``--repeat``:

  1. ours: the analysis' pivot, ``crm.activity.report.web_read_group`` per salesperson
     x type of this month's done activities, as a sales manager and as a salesperson;
  2. native: Odoo's own list of the same data, ``mail.activity.web_read_group`` of the
     archived activities (``active = False``) grouped by ``user_id``,
     ``activity_type_id`` with the same domain, as the same sales manager (Odoo checks
     his access to every activity's document) and as the superuser (no check).

Wall and CPU time (this process plus its PostgreSQL backend, without parallel workers)
and queries of each.

    .venv/bin/python bench/bench_activity_report.py -d <db> [--activities 100000]
"""

import time

from common import cpu_seconds, parse_args
from common import registry as open_registry

SALESPEOPLE = 20
CUSTOMERS = 500
DEALS = 500


def seed(env, activities):
    """Salespeople, customers, deals and ``activities`` done activities."""
    from odoo.tests import new_test_user

    users = [
        new_test_user(env, login=f"bench_sp_{i}", groups="crm_extension.group_crm_salesperson")
        for i in range(SALESPEOPLE)
    ]
    manager = new_test_user(
        env, login="bench_mgr", groups="crm_extension.group_crm_manager,base.group_partner_manager"
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench customer {i}",
                "customer_rank": 1,
                "user_id": users[i % SALESPEOPLE].id,
            }
            for i in range(CUSTOMERS)
        ]
    )
    orders = env["sale.order"].create(
        [{"partner_id": partners[i].id, "user_id": users[i % SALESPEOPLE].id} for i in range(DEALS)]
    )
    types = [
        env.ref(xmlid).id
        for xmlid in (
            "mail.mail_activity_data_call",
            "mail.mail_activity_data_meeting",
            "mail.mail_activity_data_email",
            "mail.mail_activity_data_todo",
            "crm_extension.mail_activity_type_visit",
        )
    ]
    env.flush_all()
    Model = env["ir.model"]
    env.cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id,
                                   user_id, summary, date_deadline, date_done, crm_deadline,
                                   active, automated, create_uid, write_uid, create_date,
                                   write_date)
        SELECT CASE WHEN g %% 2 = 0 THEN %(partner_model)s ELSE %(order_model)s END,
               CASE WHEN g %% 2 = 0 THEN 'res.partner' ELSE 'sale.order' END,
               CASE WHEN g %% 2 = 0 THEN (%(partners)s::int[])[1 + g / 2 %% %(n_partners)s]
                    ELSE (%(orders)s::int[])[1 + g / 2 %% %(n_orders)s] END,
               (%(types)s::int[])[1 + g %% 5],
               (%(users)s::int[])[1 + g / 7 %% %(n_users)s],
               'Bench ' || g,
               done.at::date + (g %% 5 - 2),
               done.at::date,
               CASE WHEN g %% 10 = 1 THEN done.at + (g %% 3 - 1) * INTERVAL '1 hour' END,
               FALSE, FALSE, 1, 1, done.at, done.at
          FROM generate_series(1, %(n)s) g,
               LATERAL (SELECT now() AT TIME ZONE 'UTC'
                               - (g %% 90) * INTERVAL '1 day' - (g %% 600) * INTERVAL '1 minute'
                               AS at) done
        """,
        {
            "partner_model": Model._get_id("res.partner"),
            "order_model": Model._get_id("sale.order"),
            "partners": partners.ids,
            "n_partners": len(partners),
            "orders": orders.ids,
            "n_orders": len(orders),
            "types": types,
            "users": [user.id for user in users],
            "n_users": len(users),
            "n": activities,
        },
    )
    env.cr.execute("ANALYZE mail_activity, res_partner, sale_order, res_users")
    return users, manager


def measure(env, func, repeat):
    """(best wall seconds, best CPU seconds, queries, result) of ``func`` on a cold
    cache."""
    best_wall = best_cpu = None
    for _i in range(repeat):
        env.invalidate_all()
        before, cpu = env.cr.sql_log_count, cpu_seconds(env.cr)
        start = time.perf_counter()
        result = func()
        wall = time.perf_counter() - start
        cpu = cpu_seconds(env.cr) - cpu
        queries = env.cr.sql_log_count - before
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best_wall, best_cpu, queries, result


def main():
    args = parse_args(__doc__, [("--activities", int, 100000, None), ("--repeat", int, 5, None)])

    import odoo
    from odoo import api, fields

    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        start = time.perf_counter()
        users, manager = seed(env, args.activities)
        seeded = time.perf_counter() - start
        # the CPU time read is this process's and its backend's: PostgreSQL's parallel
        # workers would do part of the work out of sight, for both sides alike
        cr.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        month_start = fields.Date.to_string(fields.Date.today().replace(day=1))
        groupby = ["user_id", "activity_type_id"]
        ours_domain = [("date_done", ">=", month_start)]
        native_domain = [
            ("active", "=", False),
            ("res_model", "in", ["res.partner", "sale.order"]),
            ("date_done", ">=", month_start),
        ]

        def ours(user):
            Report = env["crm.activity.report"].with_user(user)
            return lambda: Report.web_read_group(ours_domain, groupby, ["nbr_done:sum"])

        def native(user):
            Activity = env["mail.activity"].with_user(user).with_context(active_test=False)
            return lambda: Activity.web_read_group(native_domain, groupby, ["__count"])

        runs = {
            "ours, manager": ours(manager),
            "ours, salesperson": ours(users[0]),
            "native, manager": native(manager),
            "native, superuser": native(env.user),
        }
        results = {name: [] for name in runs}
        for func in runs.values():
            func()  # warm the caches (rules, groups, translations)
        # alternated, so that the machine's load falls on every measure alike
        for _round in range(args.repeat):
            for name, func in runs.items():
                results[name].append(measure(env, func, 1))
        cr.rollback()

    def best(name):
        walls, cpus, queries, result = zip(*results[name], strict=True)
        total = sum(
            group.get("__count") or group.get("nbr_done:sum") or 0 for group in result[-1]["groups"]
        )
        return min(walls), min(cpus), queries[-1], total

    print(f"{args.activities} done activities seeded in {seeded:.1f} s; this month's:")
    figures = {name: best(name) for name in runs}
    for name, (wall, cpu, queries, total) in figures.items():
        print(
            f"  {name:20} {wall * 1000:8.1f} ms wall {cpu * 1000:8.1f} ms CPU "
            f"{queries:3} queries  {total} activities"
        )
    for native_name in ("native, manager", "native, superuser"):
        _w, ours_cpu, _q, _t = figures["ours, manager"]
        wall, cpu, _q, _t = figures[native_name]
        print(
            f"  ours (manager) / {native_name}: "
            f"{figures['ours, manager'][0] / wall:.2f}x wall, {ours_cpu / cpu:.2f}x CPU"
        )


if __name__ == "__main__":
    main()
