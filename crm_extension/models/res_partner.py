from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, Query

from ..const import FIGURE_GROUP


class ResPartner(models.Model):
    """The customer pipeline on partners: a commercial partner with a customer rank
    walks the customer stages; its contacts show the stage of their company.

    The other concerns of partners live beside this file: the card's figures
    (``res_partner_card.py``, on ``crm.customer.figures``), the ABC classes
    (``res_partner_class.py``), last contact and follow-ups (``res_partner_followup.py``),
    and who may change a customer's owner (``res_partner_ownership.py``)."""

    _name = "res.partner"
    # the mixin (a mail.thread) must come before the model in the MRO
    _inherit = ["crm.pipeline.mixin", "res.partner"]
    _crm_pipeline_scope = "partner"

    pipeline_stage_id = fields.Many2one(
        string="Customer Stage",
        domain="[('scope', '=', 'partner'), ('company_id', 'in', [company_id, False])]",
        help="Lifecycle stage of the customer; contacts show the stage of their company.",
    )
    user_id = fields.Many2one(tracking=True)
    crm_bought_product_id = fields.Many2one(
        "product.product",
        string="Bought Product",
        compute="_compute_crm_bought_product_id",
        search="_search_crm_bought_product_id",
        groups=FIGURE_GROUP,
        help="Search customers with posted invoice lines of a product.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + ["pipeline_stage_id"]

    def _crm_pipeline_records(self):
        return self.filtered(lambda p: p.commercial_partner_id == p)

    def _crm_stage_owner(self):
        self.ensure_one()
        return self.commercial_partner_id.user_id

    def _crm_set_first_stage(self):
        """Customers without a stage enter the first customer stage of their company."""
        todo = self._crm_pipeline_records().filtered(
            lambda p: not p.pipeline_stage_id and p.customer_rank
        )
        for company, partners in todo.grouped("company_id").items():
            stage = self.env["crm.pipeline.stage"]._first_stage(
                "partner", company or self.env.company
            )
            if stage:
                partners._crm_move_to_stage(stage)

    @api.model_create_multi
    def create(self, vals_list):
        # no ownership check: a new partner, whoever its salesperson, holds no document
        # yet, and a contact created under a company leaves the company's owner; the
        # child_ids commands that move existing partners go through their write()
        partners = super().create(vals_list)
        partners._crm_set_first_stage()
        return partners

    def write(self, vals):
        changes = self._crm_ownership_changes(vals)
        self._crm_check_ownership_changes(changes)
        res = super().write(vals)
        self._crm_log_ownership_changes(changes)
        if vals.get("customer_rank"):
            self._crm_set_first_stage()
        return res

    def _compute_crm_bought_product_id(self):
        self.crm_bought_product_id = False

    def _search_crm_bought_product_id(self, operator, value):
        # who bought what is read from invoice lines: as much as the card's figures
        self._check_field_access(self._fields["crm_bought_product_id"], "read")
        if operator not in ("in", "any", "=", "ilike"):
            return NotImplemented
        if operator == "any" and not isinstance(value, (Query, SQL)):
            # a sub-domain on the product is the client's: searched as the user (their
            # rules and field access), never in the sudo search of the lines below
            value = self.env["product.product"]._search(Domain(value), active_test=False)
        domain = [
            ("product_id", operator, value),
            ("display_type", "=", "product"),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ("company_id", "in", self.env.companies.ids),
        ]
        if not self.env.su and self.env.user.crm_finance_scope == "own":
            domain.append(("move_id.commercial_partner_id.user_id", "=", self.env.uid))
        # sudo: salespeople may not read every invoice line of their customers; the
        # lines are limited above to the customers and companies of the card, and only
        # which customers bought the product leaves this method, not amounts
        lines = self.env["account.move.line"].sudo()._search(domain)
        partner_ids = {
            pid
            for (pid,) in self.env.execute_query(
                lines.select(SQL.identifier("account_move_line", "partner_id"))
            )
            if pid
        }
        # sudo: the commercial entities of the lines found above; only their ids go
        # into the domain, which the user's own search then applies
        commercial = self.sudo().browse(partner_ids).commercial_partner_id
        return [("commercial_partner_id", "in", commercial.ids)]
