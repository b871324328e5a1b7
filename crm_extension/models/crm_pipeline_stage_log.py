from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain


class CrmPipelineStageLog(models.Model):
    """One row per stage transition of a customer or an order, manual or automatic.

    Reports compute conversion and cycle times from it; it is append-only.

    A transition is seen by those who may read the document it logs (like
    ``mail.activity`` and ``mail.message`` follow their ``res_model``/``res_id``):
    searches (and so counts, ``read_group`` and the list view) are narrowed in
    ``_search`` with a sub-query per document model, reads are checked in
    ``_check_access``.
    """

    _name = "crm.pipeline.stage.log"
    _description = "Pipeline Stage Transition"
    _order = "date desc, id desc"
    _rec_name = "stage_to_id"

    _record_index = models.Index("(res_model, res_id, date)")

    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, readonly=True
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

    document_name = fields.Char(
        string="Document", compute="_compute_document_name", help="The order or customer moved."
    )

    @api.depends("res_model", "res_id")
    def _compute_document_name(self):
        # the log shows only transitions of documents the user may read (see below)
        for model, logs in self.grouped("res_model").items():
            documents = self.env[model].browse(set(logs.mapped("res_id"))).exists()
            names = {document.id: document.display_name for document in documents}
            for log in logs:
                log.document_name = names.get(log.res_id, "")

    # ---------------------------------------------------------------- access
    @api.model
    def _crm_document_access_domain(self):
        """The transitions of the documents the current user may read."""
        domains = []
        for model in self.env["crm.pipeline.mixin"]._get_pipeline_models():
            Document = self.env[model]
            if not Document.has_access("read"):
                continue
            # archived documents too: their history stays readable to who reads them
            documents = Document._search([], active_test=False)
            domains.append(Domain("res_model", "=", model) & Domain("res_id", "any!", documents))
        return Domain.OR(domains)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not (self.env.su or kwargs.get("bypass_access")):
            domain = Domain(domain) & self._crm_document_access_domain()
        return super()._search(domain, offset, limit, order, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or not any(self._ids):
            return result
        forbidden = result[0] if result else self.browse()
        by_model = defaultdict(lambda: defaultdict(list))
        # sudo: read which document each transition logs, to check the document instead
        for log in (self - forbidden).sudo():
            by_model[log.res_model][log.res_id].append(log.id)
        models = set(self.env["crm.pipeline.mixin"]._get_pipeline_models())
        denied = []
        for model, log_ids in by_model.items():
            readable = set()
            if model in models:
                documents = self.env[model].browse(list(log_ids)).exists()
                readable = set(documents._filtered_access("read")._ids)
            for res_id, ids in log_ids.items():
                if res_id not in readable:
                    denied.extend(ids)
        if not denied:
            return result
        forbidden += self.browse(denied)
        return forbidden, lambda: forbidden._make_access_error(operation)

    def _make_access_error(self, operation):
        return AccessError(
            self.env._(
                "You cannot see these stage transitions: they belong to documents you may not read."
            )
        )

    def action_open_document(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).get_formview_action()

    # ---------------------------------------------------------------- logging
    @api.model
    def _log_transitions(self, records, old_stages, new_stage, automatic=False):
        """Write the transition of ``records`` into ``new_stage`` in one create, with the
        values of each record's ``_prepare_stage_log_vals``.

        :param old_stages: dict record id -> stage it left (empty recordset if none)
        """
        now = fields.Datetime.now()
        last = {}
        if records.ids:
            # sudo: the time in the stage counts from the record's last transition,
            # whoever may read that log line (only its date is read)
            for res_id, date in self.sudo()._read_group(
                [("res_model", "=", records._name), ("res_id", "in", records.ids)],
                ["res_id"],
                ["date:max"],
            ):
                last[res_id] = date
        vals_list = []
        for record in records:
            old_stage = old_stages.get(record.id, new_stage.browse())
            since = last.get(record.id) or record.create_date or now
            vals_list.append(
                {
                    **record._prepare_stage_log_vals(new_stage, old_stage, automatic),
                    "date": now,
                    # entering the first stage leaves none: no time to count (and
                    # now, to the second, may come before a create date to the microsecond)
                    "duration_hours": (
                        max((now - since).total_seconds() / 3600.0, 0.0) if old_stage else 0.0
                    ),
                }
            )
        # sudo: the log is written by the system for every move; users only read it
        return self.sudo().create(vals_list)
