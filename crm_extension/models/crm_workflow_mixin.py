from odoo import api, models
from odoo.exceptions import UserError


class CrmWorkflowMixin(models.AbstractModel):
    """Fields that only the workflow sets (read-only in a view is not read-only on the
    server): a client call that sets them is refused, the actions that own them write
    them in sudo after their own checks.

    A model lists them in ``_crm_workflow_fields``, says why in
    ``_crm_workflow_fields_error`` and calls ``_crm_check_workflow_fields`` from its
    ``create`` (with ``_crm_create_fnames``) and ``write``.
    """

    _name = "crm.workflow.mixin"
    _description = "Fields Set by the Workflow Only"

    def _crm_workflow_fields(self):
        """The names of the fields that only the workflow changes."""
        return []

    def _crm_workflow_fields_error(self, labels):
        """The message that refuses a client call setting the workflow fields
        ``labels`` (their names, joined by commas)."""
        raise NotImplementedError

    @api.model
    def _crm_create_fnames(self, vals_list):
        """The fields a ``create`` sets: those of ``vals_list`` and the defaults of the
        context, which are values the client sets too."""
        defaults = {key[8:] for key in self.env.context if key.startswith("default_")}
        return defaults.union(*vals_list)

    def _crm_check_workflow_fields(self, fnames):
        """Refuse a client's call that sets workflow fields among ``fnames`` (the system,
        in sudo, may)."""
        if self.env.su:
            return
        labels = [
            self._fields[fname]._description_string(self.env)
            for fname in self._crm_workflow_fields()
            if fname in fnames
        ]
        if labels:
            raise UserError(self._crm_workflow_fields_error(", ".join(labels)))
