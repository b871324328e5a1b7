"""19.0.1.6.0: the customer lifecycle follows the facts.

Customer stages have a ``customer_trigger`` (first quotation sent, first order
confirmed, all deals lost). The shipped stages are seed data (noupdate): give them the
trigger of the module's XML file where they have none yet and still have the meaning
it is for (the proposal stage neither won nor lost, the won one won, the lost one
lost). Then put every customer with orders into the stage
its orders give, silently and never backwards (``_crm_place_customers_by_facts``: a
few set-based queries for all customers).
"""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import file_path


def _shipped_customer_triggers():
    """{xml id: trigger} of the shipped customer stages, read from the data file."""
    tree = etree.parse(file_path("crm_extension/data/crm_pipeline_stage_data.xml"))
    return {
        record.get("id"): record.xpath("field[@name='customer_trigger']")[0].text
        for record in tree.xpath("//record[field[@name='customer_trigger']]")
    }


def _set_shipped_customer_triggers(env):
    for xmlid, trigger in _shipped_customer_triggers().items():
        stage = env.ref(f"crm_extension.{xmlid}", raise_if_not_found=False)
        if not stage or stage.scope != "partner" or stage.customer_trigger:
            continue
        meaning_kept = {
            "first_sent": not stage.is_won and not stage.is_lost,
            "first_confirmed": stage.is_won,
            "all_lost": stage.is_lost,
        }.get(trigger)
        if meaning_kept:
            stage.customer_trigger = trigger


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _set_shipped_customer_triggers(env)
    env["res.partner"]._crm_place_customers_by_facts()
