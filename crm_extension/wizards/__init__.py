from . import (
    crm_customer_import_wizard,
    crm_pipeline_appointment_wizard,
    crm_pipeline_lost_wizard,
    crm_set_role_wizard,
    sale_make_invoice_advance,
    sale_order_accounting_invoice,
    sale_order_accounting_invoice_job,
    sale_order_accounting_invoice_outcome,
    sale_order_accounting_reject,
)
