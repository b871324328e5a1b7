# the mixin first: models below inherit it
from . import crm_workflow_mixin  # isort: skip
from . import (
    account_journal,
    account_move,
    crm_customer_figures,
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
    res_partner_card,
    res_partner_class,
    res_partner_followup,
    res_partner_ownership,
    res_users,
    sale_order,
)
