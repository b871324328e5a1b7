from odoo import api, fields, models


class ResPartner(models.Model):
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
                partners.with_context(crm_stage_automatic=True).write(
                    {"pipeline_stage_id": stage.id}
                )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._crm_set_first_stage()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if vals.get("customer_rank"):
            self._crm_set_first_stage()
        return res
