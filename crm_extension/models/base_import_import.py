from odoo import models

from .res_partner_import import CUSTOMER_IMPORT_KEYS

# the column titles of a client base, in the words people use, and the partner field
# each one fills: Odoo's own mapping would read "Company" as the res.company
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
        """In the import of a client base (customer mode), the usual column titles of
        a client base map to the customer's fields, unless the user mapped the
        column otherwise before."""
        fname = CUSTOMER_COLUMNS.get(header.strip().casefold())
        if (
            fname
            and self.res_model == "res.partner"
            and self.env.context.get(CUSTOMER_IMPORT_KEYS) is not None
            and header.lower() not in mapping_fields
        ):
            return {"field_path": [fname], "distance": 0}
        return super()._get_mapping_suggestion(header, fields_tree, header_types, mapping_fields)
