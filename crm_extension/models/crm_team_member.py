from odoo import fields, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    crm_request_rr_last = fields.Integer(
        string="Last Request Turn",
        readonly=True,
        copy=False,
        help="The team's round-robin count when this member got a request (0: never): "
        "the member who waits the longest gets the next one.",
    )
