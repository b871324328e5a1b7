from odoo import fields, models


class CrmPipelineLostReason(models.Model):
    _name = "crm.pipeline.lost.reason"
    _description = "Pipeline Lost Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
