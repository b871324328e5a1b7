# the mixin first: models below inherit it
from . import crm_workflow_mixin  # isort: skip
from . import (
    account_journal,
    account_move,
    crm_dashboard,
    crm_demo,
    crm_pipeline_lost_reason,
    crm_pipeline_mixin,
    crm_pipeline_mixin_activity,
    crm_pipeline_stage,
    crm_pipeline_stage_log,
    mail_activity,
    res_company,
    res_config_settings,
    res_partner,
    res_users,
    sale_order,
)
