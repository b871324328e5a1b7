from odoo import api, models

from ..const import (
    CONTACT_DOMAIN,
    CUSTOMER_DOMAIN,
    CUSTOMER_IMPORT_KEYS,
    IDENTITY_COLUMNS,
    PARENT_COLUMNS,
)
from .res_partner_match import MATCH_FIELDS


class ResPartner(models.Model):
    """The client base import: Odoo's own import of partners (base_import → ``load``)
    in customer mode, when the context carries the match keys
    (``crm_customer_import_keys``, e.g. ``["vat", "email", "phone"]``).

    Before the rows reach ``load``:

    - a row that matches an existing customer (a contact, for a row with a company)
      by the first of the keys that matches anyone becomes an update of it (its
      ``.id`` is filled in), as OCA's ``base_import_match`` does; a row that matches
      several partners by that key, or the same customer or the same new key as
      another row of the file, is an error for that row;
    - the "stage" column is read among the customer stages, the "owner" column
      (``user_id``) by login or name among internal users; an unknown value, a
      malformed e-mail is an error for its row. On an update, an empty stage or
      owner keeps the customer's own;
    - any error leaves nothing written, as ``load`` itself does for its errors.

    Rows without a company become customers (``customer_rank``), and enter the first
    customer stage when they have none."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def load(self, fields, data):
        keys = self.env.context.get(CUSTOMER_IMPORT_KEYS)
        if keys is None:
            return super().load(fields, data)
        keys = [key for key in keys if key in MATCH_FIELDS]
        # the import screen loads a big file by windows of rows (its "limit"): only
        # the rows of this window are read, matched and loaded now
        limit = self.env.context.get("_import_limit") or len(data)
        fields, window, messages = self._prepare_customer_import(
            list(fields), [list(row) for row in data[:limit]], keys
        )
        data = window + [[*row, *[""] * (len(fields) - len(row))] for row in data[limit:]]
        savepoint = self.env.cr.savepoint()
        result = super().load(fields, data)
        if any(message["type"] == "error" for message in messages):
            savepoint.rollback()
            self.pool.reset_changes()
            result["ids"] = False
        elif result["ids"]:
            self.browse(result["ids"])._crm_import_make_customers()
        savepoint.close(rollback=False)
        result["messages"] = messages + result["messages"]
        return result

    def _convert_fields_to_values(self, field_names):
        # Odoo 19's _load_records_create reads the commercial fields of a contact's
        # company as the importing user, where create() reads them as superuser
        # (_fields_sync): account's credit_limit, readable by accountants only, fails
        # every row with a company of anyone else. The values only go to the sudo
        # write of the contacts, as in create(); nothing is shown to the user.
        if self.env.context.get("import_file") and not self.env.su:
            return super(ResPartner, self.sudo())._convert_fields_to_values(field_names)
        return super()._convert_fields_to_values(field_names)

    def _crm_import_make_customers(self):
        """The imported companies and persons without a company are customers."""
        self.filtered(lambda p: not p.parent_id and not p.customer_rank).customer_rank = 1

    @api.model
    def _prepare_customer_import(self, fields, data, keys):
        """``(fields, data, messages)``: the columns and rows of an import in customer
        mode, ready for ``load``, and the errors of the rows (``load``'s messages)."""
        messages = []

        def error(index, message, field=None, value=None):
            # shaped as load's own messages: by column when about one cell
            message = {
                "type": "error",
                "message": message,
                "record": index,
                "rows": {"from": index, "to": index},
            }
            if field:
                message.update(field=field, value=value)
            messages.append(message)

        column = {name: index for index, name in enumerate(fields)}
        self._crm_import_check_emails(data, column.get("email"), error)
        targets = self._crm_import_match_rows(data, column, keys, error)
        if ".id" not in column:
            column[".id"] = len(fields)
            fields.append(".id")
            for row in data:
                row.append("")
        for index, target in targets.items():
            data[index][column[".id"]] = str(target.id)
        # an update with an empty key cell keeps the key: a contact's Tax ID is its
        # company's, and a file without it must not erase it
        for key in MATCH_FIELDS:
            if key in column:
                for index, target in targets.items():
                    if not data[index][column[key]].strip():
                        data[index][column[key]] = target[key] or ""
        if "is_company" not in column:
            self._crm_import_add_is_company(fields, data, column, targets)
        if "pipeline_stage_id" in column:
            stages = self._crm_import_stages(data, column["pipeline_stage_id"], error)
            self._crm_import_set_column(
                fields, data, column["pipeline_stage_id"], stages, targets, "pipeline_stage_id"
            )
        if "user_id" in column:
            owners = self._crm_import_owners(data, column["user_id"], error)
            self._crm_import_set_column(fields, data, column["user_id"], owners, targets, "user_id")
        return fields, data, messages

    @api.model
    def _crm_import_add_is_company(self, fields, data, column, targets):
        """A row with a company is a person of it, whatever the default of the screen
        (the Customer Pipeline creates companies); an update keeps what the partner
        is; a new customer follows the default."""
        parent = [column[name] for name in PARENT_COLUMNS if name in column]
        default = "1" if self.env.context.get("default_is_company") else "0"
        fields.append("is_company")
        for index, row in enumerate(data):
            if index in targets:
                value = "1" if targets[index].is_company else "0"
            else:
                value = "0" if any(row[i] for i in parent) else default
            row.append(value)

    @api.model
    def _crm_import_check_emails(self, data, email_index, error):
        if email_index is None:
            return
        for index, row in enumerate(data):
            email = row[email_index].strip()
            if email and not self._match_row_keys({"email": email}, ("email",))["email"]:
                error(
                    index,
                    self.env._("“%(email)s” is not a valid e-mail address.", email=email),
                    "email",
                    email,
                )

    @api.model
    def _crm_import_match_rows(self, data, column, keys, error):
        """``{row index: partner}`` for the rows that update an existing partner."""
        identity = [column[name] for name in IDENTITY_COLUMNS if name in column]
        parent = [column[name] for name in PARENT_COLUMNS if name in column]
        key_columns = {key: column.get(key) for key in keys}
        rows = {"customer": [], "contact": []}
        for index, row in enumerate(data):
            if any(row[i] for i in identity) or not any(row):
                continue
            values = {key: row[i] if i is not None else "" for key, i in key_columns.items()}
            kind = "contact" if any(row[i] for i in parent) else "customer"
            rows[kind].append((index, self._match_row_keys(values, keys)))
        targets = {}
        first_row_of = {}
        labels = self._crm_import_key_labels()
        for kind, domain in (("customer", CUSTOMER_DOMAIN), ("contact", CONTACT_DOMAIN)):
            kind_keys = [key for key in keys if kind == "customer" or key != "vat"]
            if not rows[kind] or not kind_keys:
                continue
            row_keys = [values for _index, values in rows[kind]]
            matches = self._match_partner_keys(row_keys, kind_keys, domain, row_keys=row_keys)
            for (index, values), match in zip(rows[kind], matches, strict=True):
                key = next((key for key in kind_keys if match[key]), None)
                if key and len(match[key]) > 1:
                    error(
                        index,
                        self.env._(
                            "This row matches several partners by %(key)s: %(partners)s. "
                            "Merge them first, or give the row the database ID of one.",
                            key=labels[key],
                            partners=", ".join(match[key].mapped("display_name")),
                        ),
                    )
                    continue
                if key:
                    targets[index] = match[key]
                # the same partner twice in the file: the same match, or for a new
                # partner the same first key, is an error, not a guess
                own_key = next((k for k in kind_keys if values[k]), None)
                seen_key = ("id", match[key].id) if key else own_key and (own_key, values[own_key])
                if not seen_key:
                    continue
                if (kind, seen_key) in first_row_of:
                    error(
                        index,
                        self._crm_import_twin_message(
                            seen_key, first_row_of[kind, seen_key], labels
                        ),
                    )
                else:
                    first_row_of[kind, seen_key] = index
        return targets

    @api.model
    def _crm_import_twin_message(self, seen_key, first_index, labels):
        key, value = seen_key
        row = first_index + 1
        if key == "id":
            return self.env._(
                "This row and row %(row)s of the file update the same partner, %(partner)s.",
                row=row,
                partner=self.browse(value).display_name,
            )
        return self.env._(
            "This row has the same %(key)s as row %(row)s of the file (%(value)s): "
            "import one partner once.",
            key=labels[key],
            row=row,
            value=value,
        )

    @api.model
    def _crm_import_key_labels(self):
        return {
            "email": self.env._("e-mail"),
            "phone": self.env._("phone"),
            "vat": self.env._("Tax ID"),
        }
