"""What stands between the public and the intake: one request of a team at a time and
a rate limit per address, both held in PostgreSQL so that they hold across workers."""

import logging
from contextlib import contextmanager

from odoo import sql_db
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RATE_LIMIT_PARAM = "crm_extension.request_rate_limit"
RATE_WINDOW_PARAM = "crm_extension.request_rate_window"
DEFAULT_RATE_LIMIT = 20  # requests per address ...
DEFAULT_RATE_WINDOW = 60  # ... in so many minutes


class RateLimited(Exception):
    """Too many requests from this address in the window."""


@contextmanager
def team_turn(team):
    """Wait for the turn of ``team`` on a connection of its own, then let the
    intake begin its transaction.

    Odoo's transactions are REPEATABLE READ: one that waits for a lock still sees
    the database as it was when it began, and fails to lock a row the other one
    changed meanwhile (the team's turn): retried up to five times, two clients
    posting without pause lose some requests that way. Taken on another
    connection, the lock comes before the intake's transaction begins, which so
    sees the previous request of the team committed. Closing that connection rolls
    its transaction back and releases the lock, after the intake committed.
    """
    lock_cr = sql_db.db_connect(team.env.cr.dbname).cursor()
    try:
        lock_cr.execute(
            SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", f"crm.request.team:{team.id}")
        )
        yield
    finally:
        lock_cr.close()


def check_rate_limit(env, remote_addr):
    """Refuse the request when ``remote_addr`` left the limit of requests (system
    parameters ``crm_extension.request_rate_limit`` per ``..._rate_window`` minutes;
    0 turns the limit off). Counted in the database, so it holds across workers:
    exact for the requests of one team (see ``team_turn``); requests of one
    address to several teams at the same moment may pass it by one per worker."""
    if not remote_addr:
        return
    # sudo: the limits are system parameters, which only administrators read
    params = env["ir.config_parameter"].sudo()
    limit = _int_param(params, RATE_LIMIT_PARAM, DEFAULT_RATE_LIMIT)
    window = _int_param(params, RATE_WINDOW_PARAM, DEFAULT_RATE_WINDOW)
    if limit <= 0:
        return
    cr = env.cr
    cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", f"crm_request_rate:{remote_addr}"))
    cr.execute(
        SQL(
            """SELECT COUNT(*) FROM crm_request
                WHERE remote_addr = %s
                  AND create_date > (now() AT TIME ZONE 'UTC') - make_interval(mins => %s)""",
            remote_addr,
            window,
        )
    )
    if cr.fetchone()[0] >= limit:
        _logger.info("crm.request: rate limit reached for %s", remote_addr)
        raise RateLimited()


def _int_param(params, key, default):
    try:
        return int(params.get_param(key, default))
    except (TypeError, ValueError):
        return default
