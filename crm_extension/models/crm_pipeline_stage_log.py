from odoo import api, fields, models


class CrmPipelineStageLog(models.Model):
    """One row per stage transition of a customer or an order, manual or automatic.

    Reports compute conversion and cycle times from it; it is append-only.
    """

    _name = "crm.pipeline.stage.log"
    _description = "Pipeline Stage Transition"
    _order = "date desc, id desc"
    _rec_name = "stage_to_id"

    _record_index = models.Index("(res_model, res_id, date)")

    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, readonly=True
    )
    stage_from_id = fields.Many2one(
        "crm.pipeline.stage", string="From Stage", readonly=True, ondelete="set null"
    )
    stage_to_id = fields.Many2one(
        "crm.pipeline.stage",
        string="To Stage",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one(
        "res.users", string="Moved By", readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    automatic = fields.Boolean(
        readonly=True, help="Moved by an event of the document, not by a person."
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    duration_hours = fields.Float(
        string="Hours in Previous Stage",
        readonly=True,
        aggregator="avg",
        help="Time the record spent in the stage it left.",
    )

    @api.model
    def _log_transitions(self, records, old_stages, new_stage, automatic=False):
        """Write the transition of ``records`` into ``new_stage`` in one create.

        :param old_stages: dict record id -> stage it left (empty recordset if none)
        """
        now = fields.Datetime.now()
        last = {}
        if records.ids:
            for res_id, date in self.sudo()._read_group(
                [("res_model", "=", records._name), ("res_id", "in", records.ids)],
                ["res_id"],
                ["date:max"],
            ):
                last[res_id] = date
        vals_list = []
        for record in records:
            since = last.get(record.id) or record.create_date or now
            vals_list.append(
                {
                    "res_model": records._name,
                    "res_id": record.id,
                    "stage_from_id": old_stages.get(record.id, new_stage.browse()).id,
                    "stage_to_id": new_stage.id,
                    "automatic": automatic,
                    "company_id": record.company_id.id,
                    "date": now,
                    "duration_hours": (now - since).total_seconds() / 3600.0,
                }
            )
        # sudo: the log is written by the system for every move; users only read it
        return self.sudo().create(vals_list)
