from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

# the longest value each field of a request takes (the web form and the endpoint say
# the same): a request is a stranger's text, not a place for a novel
REQUEST_FIELD_SIZES = {
    "contact_name": 128,
    "company_name": 128,
    "email": 254,
    "phone": 32,
    "vat": 32,
    "message": 5000,
    "remote_addr": 64,
}
# a request says who sent it by at least one of these
IDENTITY_FIELDS = ("contact_name", "company_name", "email", "phone")
# the UTM source a channel sets when the request names none (data/utm_source_data.xml)
CHANNEL_SOURCES = {
    "web": "crm_extension.utm_source_website",
    "email": "crm_extension.utm_source_email",
    "phone": "crm_extension.utm_source_phone",
}


class CrmRequest(models.Model):
    """A request of a prospect or a customer (web form, e-mail, phone): creating one is
    the intake. ``create`` finds the customer or creates a prospect, picks the
    salesperson of the team, and opens the deal in the first order stage, whose entry
    activity ("call back within 15 minutes") goes to that salesperson; see
    ``crm_request_intake.py`` for the steps and their hooks."""

    _name = "crm.request"
    _inherit = ["mail.thread", "utm.mixin", "crm.workflow.mixin"]
    _description = "Request"
    _order = "create_date desc, id desc"
    _rec_name = "contact_name"

    contact_name = fields.Char()
    company_name = fields.Char()
    email = fields.Char()
    phone = fields.Char()
    vat = fields.Char(string="Tax ID")
    message = fields.Text()
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index="btree_not_null",
        default=lambda self: self.env["crm.team"]._get_default_team_id(),
        help="The team whose members the request is assigned to, in turn.",
    )
    channel = fields.Selection(
        [("web", "Web"), ("email", "E-mail"), ("phone", "Phone")],
        required=True,
        default="phone",
        help="Where the request came from: the web form, the team's e-mail alias, "
        "or a call or a visit logged by a salesperson.",
    )
    remote_addr = fields.Char(
        string="Client Address",
        index="btree_not_null",
        readonly=True,
        help="The address of the client that sent a web request.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index="btree_not_null"
    )
    order_id = fields.Many2one(
        "sale.order", string="Deal", readonly=True, index="btree_not_null", ondelete="set null"
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, index="btree_not_null", tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    crm_match_key = fields.Selection(
        [("email", "E-mail"), ("phone", "Phone"), ("vat", "Tax ID")],
        string="Found By",
        readonly=True,
        help="The detail by which the existing customer was found (empty: a new prospect).",
    )
    crm_intake_stage_id = fields.Many2one("crm.pipeline.stage", string="First Stage", readonly=True)
    state = fields.Selection(
        [
            ("new", "Waiting for the First Call"),
            ("open", "In Progress"),
            ("won", "Won"),
            ("lost", "Lost"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        help="Waiting for the first call while its deal is in the stage the request "
        "opened it in; then as its deal goes.",
    )

    @api.depends("order_id.pipeline_stage_id", "order_id.state", "crm_intake_stage_id")
    def _compute_state(self):
        for request in self:
            order = request.order_id
            stage = order.pipeline_stage_id
            if stage.is_won:
                request.state = "won"
            elif stage.is_lost or order.state == "cancel":
                request.state = "lost"
            elif not order or stage == request.crm_intake_stage_id:
                request.state = "new"
            else:
                request.state = "open"

    @api.depends("contact_name", "company_name", "email", "phone")
    def _compute_display_name(self):
        for request in self:
            who = request.contact_name or request.email or request.phone or ""
            if request.company_name:
                who = f"{who} ({request.company_name})" if who else request.company_name
            request.display_name = who or self.env._("Request")

    # ---------------------------------------------------------------- checks
    @api.model
    def _check_request_vals(self, vals):
        """Refuse ``vals`` of a request that could not become a deal, with a sentence
        the sender understands: raised before anything is written."""
        for fname, size in REQUEST_FIELD_SIZES.items():
            value = vals.get(fname)
            if value and len(str(value)) > size:
                raise ValidationError(
                    self.env._(
                        "%(field)s is too long: at most %(size)s characters, please.",
                        field=self._fields[fname]._description_string(self.env),
                        size=size,
                    )
                )
        if not any((vals.get(fname) or "").strip() for fname in IDENTITY_FIELDS):
            raise ValidationError(
                self.env._("Give at least a name, an e-mail address or a phone number.")
            )
        if (vals.get("email") or "").strip() and not email_normalize(vals["email"]):
            raise ValidationError(
                self.env._("%(email)s is not a valid e-mail address.", email=vals["email"].strip())
            )

    def _crm_workflow_fields(self):
        return super()._crm_workflow_fields() + [
            "partner_id",
            "order_id",
            "user_id",
            "crm_match_key",
            "crm_intake_stage_id",
            "remote_addr",
            "company_id",
        ]

    def _crm_workflow_fields_error(self, labels):
        return self.env._(
            "%(fields)s of a request are found by the intake: they cannot be set directly.",
            fields=labels,
        )

    # ---------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        """Create the requests and run the intake on them (``_crm_intake``): either all
        of them become deals or nothing is written."""
        fnames = set(self._crm_create_fnames(vals_list))
        # the web channel passes the client's address (controller, in sudo)
        self._crm_check_workflow_fields(fnames - {"remote_addr"} if self.env.su else fnames)
        vals_list = [self._prepare_request_vals(vals) for vals in vals_list]
        for vals in vals_list:
            self._check_request_vals(vals)
        with self.env.cr.savepoint():
            requests = super().create(vals_list)
            requests._crm_intake()
        return requests

    def write(self, vals):
        self._crm_check_workflow_fields(vals)
        if any(fname in vals for fname in REQUEST_FIELD_SIZES):
            for request in self:
                self._check_request_vals(
                    {
                        **{f: request[f] for f in ("contact_name", "email", "phone")},
                        **vals,
                    }
                )
        return super().write(vals)

    @api.model
    def _prepare_request_vals(self, vals):
        """The values of a request as given, stripped, with the company of its team and
        the source of its channel when it names none."""
        vals = {
            key: value.strip() if isinstance(value, str) and key != "message" else value
            for key, value in vals.items()
        }
        if vals.get("team_id") and not vals.get("company_id"):
            # a team of one company takes the requests of that company
            team = self.env["crm.team"].browse(vals["team_id"])
            # sudo: the mail gateway or a visitor's intake may not read the team; only
            # its company is taken
            vals["company_id"] = team.sudo().company_id.id or self.env.company.id
        channel = vals.get("channel") or self.default_get(["channel"]).get("channel")
        if not vals.get("source_id") and channel in CHANNEL_SOURCES:
            source = self.env.ref(CHANNEL_SOURCES[channel], raise_if_not_found=False)
            vals["source_id"] = source.id if source else False
        return vals

    # ---------------------------------------------------------------- actions
    def action_open_order(self):
        self.ensure_one()
        if not self.order_id:
            raise UserError(self.env._("This request has no deal."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
