from odoo import fields, models

from ..const import CUSTOMER_IMPORT_KEYS

# the orders of match keys offered; the first key that finds a partner decides
MATCH_KEY_ORDERS = {
    "vat,email,phone": ["vat", "email", "phone"],
    "email,phone,vat": ["email", "phone", "vat"],
    "vat,email": ["vat", "email"],
    "email": ["email"],
    "vat": ["vat"],
}


class CrmCustomerImportWizard(models.TransientModel):
    """ "Import Customers" from the Customer Pipeline: how rows find the customers
    they update, then Odoo's own import screen in customer mode
    (models/res_partner_import.py)."""

    _name = "crm.customer.import.wizard"
    _description = "Import Customers"

    match_keys = fields.Selection(
        [
            ("vat,email,phone", "Tax ID, then e-mail, then phone"),
            ("email,phone,vat", "E-mail, then phone, then Tax ID"),
            ("vat,email", "Tax ID, then e-mail"),
            ("email", "E-mail only"),
            ("vat", "Tax ID only"),
        ],
        string="Find Existing Customers By",
        required=True,
        default="vat,email,phone",
        help="A row that matches an existing customer by the first of these keys that "
        "finds one updates that customer instead of creating a twin; a row that "
        "matches several is refused.",
    )

    def action_open_import(self):
        """Odoo's import screen for partners, in customer mode with the chosen keys."""
        self.ensure_one()
        # the context of the Customer Pipeline's action, with the chosen keys
        context = {
            "res_partner_search_mode": "customer",
            "default_is_company": True,
            CUSTOMER_IMPORT_KEYS: MATCH_KEY_ORDERS[self.match_keys],
        }
        return {
            "type": "ir.actions.client",
            "tag": "import",
            "name": self.env._("Import Customers"),
            "params": {"active_model": "res.partner", "context": context},
        }
