"""What every benchmark of bench/ shares: its command line and the Odoo registry."""

import argparse
import contextlib
import os
import subprocess

ODOO = os.environ.get("ODOO_SRC", "/opt/odoo/19.0")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(doc, extra=()):
    """Parse ``-d DB --db_host HOST`` plus ``extra`` (name, type, default, nargs) options;
    a ``bool`` type is a flag."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--db_host", default="127.0.0.1")
    for name, type_, default, nargs in extra:
        if type_ is bool:
            parser.add_argument(name, action="store_true")
        else:
            parser.add_argument(name, type=type_, default=default, nargs=nargs)
    return parser.parse_args()


def registry(args):
    """The Odoo registry of ``args.database``, with the addon on the addons path."""
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={ODOO}/addons,{ODOO}/odoo/addons,{ROOT}",
            f"--db_host={args.db_host}",
            "--log-level=warn",
            "--http-interface=127.0.0.1",
        ]
    )
    return Registry(args.database)


@contextlib.contextmanager
def database_copy(args, suffix):
    """Work in ``<db>_<suffix>``, a copy of ``args.database`` (created from it as a
    template, dropped on exit) for benchmarks that commit; ``args.database`` is
    switched to the copy."""
    copy = f"{args.database}_{suffix}"
    pg = ["-h", args.db_host]
    subprocess.run(["dropdb", *pg, "--if-exists", copy], check=True)
    subprocess.run(["createdb", *pg, "-T", args.database, copy], check=True)
    args.database = copy
    try:
        yield copy
    finally:
        from odoo.sql_db import close_db

        close_db(copy)
        subprocess.run(["dropdb", *pg, "--if-exists", copy], check=True)


def cpu_seconds(cr):
    """CPU seconds used so far by this process and by the PostgreSQL backend serving
    ``cr`` (read from /proc: the server runs on this machine). Unlike wall time, it
    carries little of what other processes do on a shared machine."""
    import time

    cr.execute("SELECT pg_backend_pid()")
    [(pid,)] = cr.fetchall()
    with open(f"/proc/{pid}/stat") as stat:
        # fields 14 and 15 (utime, stime) follow the parenthesised command name
        utime, stime = stat.read().rsplit(")", 1)[1].split()[11:13]
    return time.process_time() + (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")
