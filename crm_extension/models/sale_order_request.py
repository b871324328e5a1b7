from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context

# the fields of the Order Pipeline's quick create -> the request they make
QUICK_REQUEST_FIELDS = {
    "crm_request_contact_name": "contact_name",
    "crm_request_phone": "phone",
    "crm_request_email": "email",
}


class SaleOrder(models.Model):
    """The phone / walk-in channel: the quick create of the Order Pipeline asks who
    called and makes a request of it (``crm.request``), whose intake opens the deal."""

    # one concern of sale.order per file (house style), not one class for all
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crm_request_ids = fields.One2many("crm.request", "order_id", string="Requests")
    crm_request_contact_name = fields.Char(
        string="Customer Name", compute="_compute_crm_request_fields", readonly=False
    )
    crm_request_phone = fields.Char(
        string="Customer Phone", compute="_compute_crm_request_fields", readonly=False
    )
    crm_request_email = fields.Char(
        string="Customer Email", compute="_compute_crm_request_fields", readonly=False
    )

    def _compute_crm_request_fields(self):
        # nothing to show: they only carry the quick create's answers to create()
        for fname in QUICK_REQUEST_FIELDS:
            self[fname] = False

    @api.model_create_multi
    def create(self, vals_list):
        """An order created with the quick create's fields is a request's deal: the
        request is created (channel Phone) and its intake opens the deal."""
        requests = [any(fname in vals for fname in QUICK_REQUEST_FIELDS) for vals in vals_list]
        if not any(requests):
            return super().create(vals_list)
        self._crm_check_quick_request_stage()
        plain = super().create(
            [vals for vals, req in zip(vals_list, requests, strict=True) if not req]
        )
        plain_ids = iter(plain.ids)
        Request = self.env["crm.request"].with_context(clean_context(self.env.context))
        deals = Request.create(
            [
                {
                    request_fname: vals.get(fname) or False
                    for fname, request_fname in QUICK_REQUEST_FIELDS.items()
                }
                | {"channel": "phone"}
                for vals, req in zip(vals_list, requests, strict=True)
                if req
            ]
        ).order_id
        deal_ids = iter(deals.ids)
        return self.browse([next(deal_ids) if req else next(plain_ids) for req in requests])

    @api.model
    def _crm_check_quick_request_stage(self):
        """A call or a walk-in opens its deal in the first order stage: the quick create
        of another column says so rather than put it elsewhere."""
        stage = self.env["crm.pipeline.stage"].browse(
            self.env.context.get("default_pipeline_stage_id")
        )
        first = self.env["crm.pipeline.stage"]._first_stage("order", self.env.company)
        if stage and first and stage != first:
            raise UserError(
                self.env._(
                    "A new request starts in stage %(first)s: add it in that column.",
                    first=first.name,
                )
            )
