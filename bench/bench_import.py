"""Benchmark of the client base import (issue 13): one CSV of customer rows imported
through Odoo's own import (``base_import.import.execute_import``, in windows of 2 000
rows as the import screen sends them), measured twice in the same run on the same file
and the same database:

- **native**: Odoo's import into Contacts (no context of ours: no matching, every row a
  new partner);
- **ours**: the same file from the Customer Pipeline (its action's context: customer
  mode, deduplication on by Tax ID, e-mail and phone, stage and owner columns), against
  a database that already holds ``--existing`` partners with keys of their own.

Each import runs in a savepoint rolled back afterwards, so both start from the same data;
a small import of each kind warms the caches first. A third run, for information, is the
re-import of ``--reimport`` rows that all match existing customers (every row an
update, written one by one by ``load`` as for any update).

It prints seconds, rows per second and queries per row for each, and the ratio of our
time to native (issue 13: at most 1.3).

    .venv/bin/python bench/bench_import.py -d <db> [--rows 10000] [--existing 10000]
        [--reimport 2000]

<db> must have crm_extension installed; nothing is committed.
"""

import csv
import io
import time

from common import parse_args
from common import registry as open_registry

TARGET = 1.3  # maximum ratio of our time to native
WINDOW = 2000  # rows per call, as the import screen sends them
HEADERS = ["Name", "Email", "Phone", "Tax ID", "Salesperson"]
FIELDS = ["name", "email", "phone", "vat", "user_id"]
ALL_COLUMNS = len(HEADERS)
# the import screen's options for a CSV without tracking (base_import defaults the rest)
OPTIONS = {
    "encoding": "utf-8",
    "separator": ",",
    "quoting": '"',
    "has_headers": True,
    "tracking_disable": True,
}


def rows_file(prefix, count, owner, columns=ALL_COLUMNS):
    """A CSV of ``count`` customers whose keys start with ``prefix``, with the first
    ``columns`` of HEADERS."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS[:columns])
    for i in range(count):
        row = [
            f"{prefix} Customer {i}",
            f"{prefix.lower()}.{i}@example.com",
            f"+32 4{prefix_digit(prefix)}{i:07d}",
            f"BE0{prefix_digit(prefix)}{i:08d}",
            owner,
        ]
        writer.writerow(row[:columns])
    return out.getvalue().encode()


def prefix_digit(prefix):
    return {"Old": "1", "New": "2", "Warm": "3", "Warmo": "4"}[prefix]


def seed(env, count, owner):
    """``count`` existing customers with their own e-mails, phones and Tax IDs."""
    env["res.partner"].with_context(tracking_disable=True).create(
        [
            {
                "name": f"Old Customer {i}",
                "email": f"old.{i}@example.com",
                "phone": f"+32 41{i:07d}",
                "vat": f"BE01{i:08d}",
                "customer_rank": 1,
                "is_company": True,
                "user_id": owner.id,
            }
            for i in range(count)
        ]
    )
    env.flush_all()
    env.cr.execute("ANALYZE res_partner")


def run_import(env, content, context, columns=ALL_COLUMNS):
    """Import ``content`` window by window: (seconds, queries, created or updated ids)."""
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    savepoint = cr.savepoint(flush=False)
    queries = cr.sql_log_count
    start = time.perf_counter()
    importer = (
        env["base_import.import"]
        .with_context(**context)
        .create({"res_model": "res.partner", "file": content, "file_type": "text/csv"})
    )
    ids, skip = [], 0
    while True:
        result = importer.execute_import(
            FIELDS[:columns],
            HEADERS[:columns],
            dict(OPTIONS, limit=WINDOW, skip=skip),
            dryrun=False,
        )
        errors = [m for m in result["messages"] if m["type"] == "error"]
        assert not errors, errors[:3]
        ids += result["ids"]
        skip = result["nextrow"]
        if not skip:
            break
    env.flush_all()
    seconds = time.perf_counter() - start
    queries = cr.sql_log_count - queries
    savepoint.close(rollback=True)
    env.invalidate_all()
    return seconds, queries, ids


def report(label, rows, seconds, queries):
    print(
        f"{label:<38} {rows:>7} rows {seconds:8.2f} s {rows / seconds:8.0f} rows/s "
        f"{queries / rows:6.2f} queries/row"
    )


def main():
    args = parse_args(
        __doc__,
        [
            ("--rows", int, 10000, None),
            ("--existing", int, 10000, None),
            ("--reimport", int, 2000, None),
        ],
    )
    from odoo import api
    from odoo.tools.safe_eval import safe_eval

    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, 2, {"lang": "en_US"})  # the admin, as a user
        env = env(context=dict(env.context, allowed_company_ids=env.user.company_ids.ids))
        owner = env.user
        action = env.ref("crm_extension.res_partner_action_pipeline")
        ours = {k: v for k, v in safe_eval(action.context).items() if "search_default" not in k}
        native = {}
        seed(env, args.existing, owner)
        print(
            f"{args.existing} existing customers; files of {args.rows} rows "
            f"({', '.join(HEADERS)}), windows of {WINDOW} rows"
        )
        # warm-up: the registry's caches, the ORM's, the database's
        run_import(env, rows_file("Warm", 200, owner.login), native)
        run_import(env, rows_file("Warmo", 200, owner.login), ours)

        # with the owner column (Odoo looks each owner up by name, row by row; ours
        # once per file), then without it (the keys only: the cost of matching)
        for columns, label in ((ALL_COLUMNS, "with owner column"), (4, "keys only")):
            new_file = rows_file("New", args.rows, owner.login, columns)
            # the order of the two runs alternates, so that neither always goes first
            runs = [("native (Contacts)", native), ("ours (dedup on)", ours)]
            if columns != ALL_COLUMNS:
                runs.reverse()
            times = {}
            for name, context in runs:
                seconds, queries, ids = run_import(env, new_file, context, columns)
                assert len(ids) == args.rows
                report(f"{name}, {label}", args.rows, seconds, queries)
                times[name] = seconds
            ratio = times["ours (dedup on)"] / times["native (Contacts)"]
            verdict = "ok" if ratio <= TARGET else "OVER TARGET"
            print(
                f"ratio ours / native time, {label}: {ratio:.2f}x (target <= {TARGET}x): {verdict}"
            )

        rows = min(args.reimport, args.existing)
        if rows:
            again_s, again_q, again_ids = run_import(env, rows_file("Old", rows, owner.login), ours)
            assert len(set(again_ids)) == rows, "every row updates its own customer"
            report("ours, re-import (every row a match)", rows, again_s, again_q)
        cr.rollback()


if __name__ == "__main__":
    main()
