"""19.0.1.4.0: orders invoiced in draft say so.

Until now an order the bridge invoiced with a draft invoice (review mode) was marked
"Invoiced" at once. The new state "Draft Invoice" says that the invoice still waits to be
posted by accounting, and keeps the order in the accountant's queue: give it to the orders
whose invoices are not all posted yet (the change is tracked in their chatter).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    orders = env["sale.order"].search([("accounting_state", "=", "invoiced")])
    drafts = orders.filtered(lambda o: any(move.state == "draft" for move in o._crm_out_invoices()))
    if drafts:
        drafts.accounting_state = "draft"
