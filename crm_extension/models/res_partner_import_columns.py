from odoo import api, models


class ResPartner(models.Model):
    """The client base import's named columns (stage, owner) read as records."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _crm_import_stages(self, data, index, error):
        """``{row index: stage}`` from the stage names of the column, read among the
        customer stages of the current company."""
        stages = self.env["crm.pipeline.stage"].search(
            [("scope", "=", "partner"), ("company_id", "in", [False, self.env.company.id])]
        )
        by_name = {}
        for stage in stages:
            by_name.setdefault(stage.name.casefold(), stage)
        found = {}
        for row_index, row in enumerate(data):
            name = row[index].strip()
            if not name:
                continue
            if stage := by_name.get(name.casefold()):
                found[row_index] = stage
                continue
            error(
                row_index,
                self.env._(
                    "There is no customer stage “%(stage)s”. The customer stages are: %(stages)s.",
                    stage=name,
                    stages=", ".join(stages.mapped("name")),
                ),
                "pipeline_stage_id",
                name,
            )
        return found

    @api.model
    def _crm_import_owners(self, data, index, error):
        """``{row index: user}`` from the logins or names of the owner column, read
        among active internal users."""
        users = self.env["res.users"].search_fetch([("share", "=", False)], ["login", "name"])
        by_login = {user.login.casefold(): user for user in users}
        by_name = users.grouped(lambda user: user.name.casefold())
        found = {}
        for row_index, row in enumerate(data):
            name = row[index].strip()
            if not name:
                continue
            user = by_login.get(name.casefold()) or by_name.get(name.casefold())
            if user and len(user) == 1:
                found[row_index] = user
            elif user:
                error(
                    row_index,
                    self.env._(
                        "Several users are named “%(name)s”: write the login of the "
                        "salesperson (%(logins)s).",
                        name=name,
                        logins=", ".join(user.mapped("login")),
                    ),
                    "user_id",
                    name,
                )
            else:
                error(
                    row_index,
                    self.env._(
                        "There is no user “%(name)s”: write the login or the name of an "
                        "internal user as the salesperson.",
                        name=name,
                    ),
                    "user_id",
                    name,
                )
        return found

    @api.model
    def _crm_import_set_column(self, fields, data, index, records, targets, fname):
        """Turn the names of column ``index`` into the database ids of ``records``
        (``{row index: record}``); an update with an empty cell keeps its value."""
        fields[index] = f"{fname}/.id"
        for row_index, row in enumerate(data):
            record = records.get(row_index)
            if not record and not row[index].strip() and row_index in targets:
                record = targets[row_index][fname]
            row[index] = str(record.id) if record else ""
