from . import (
    account_move,
    crm_pipeline_lost_reason,
    crm_pipeline_mixin,
    crm_pipeline_stage,
    crm_pipeline_stage_log,
    mail_activity,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)
