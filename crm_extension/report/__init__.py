from . import (
    crm_pipeline_report,
    crm_pipeline_report_xlsx,
    crm_pipeline_stage_report,
    crm_pipeline_stage_report_xlsx,
    crm_receivable_report,
    crm_receivable_report_xlsx,
)
