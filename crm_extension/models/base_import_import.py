from odoo import models

# the column titles of a client base, in the words people use, and the partner field
# each one fills: Odoo's own mapping would read "Company" as the res.company (an
# internal multi-company field) and "Stage" as the State of the address
CUSTOMER_COLUMNS = {
    "company": "parent_id",
    "stage": "pipeline_stage_id",
    "owner": "user_id",
    "salesperson": "user_id",
    "role": "function",
    "tags": "category_id",
}


class BaseImportImport(models.TransientModel):
    _inherit = "base_import.import"

    def _get_mapping_suggestion(self, header, fields_tree, header_types, mapping_fields):
        """In an import of partners, the usual column titles of a client base map to
        the partner's fields, unless the user mapped the column otherwise before.
        All partner imports: the import screen asks for its preview without the
        context of the screen it was opened from, so the Customer Pipeline and
        Contacts cannot be told apart here."""
        fname = CUSTOMER_COLUMNS.get(header.strip().casefold())
        if fname and self.res_model == "res.partner" and header.lower() not in mapping_fields:
            return {"field_path": [fname], "distance": 0}
        return super()._get_mapping_suggestion(header, fields_tree, header_types, mapping_fields)
