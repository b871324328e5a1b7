# ruff: noqa: I001 - the models' load order: a model after the ones it inherits
from . import (
    crm_activity_report,
    crm_pipeline_report,
    crm_pipeline_stage_report,
    crm_receivable_report,
    crm_sales_target_report,
    crm_report_xlsx_common,
    crm_xlsx_export_mixin,
    crm_pipeline_stage_report_xlsx,
    crm_receivable_report_xlsx,
    crm_pipeline_report_xlsx,
    crm_activity_report_xlsx,
)
