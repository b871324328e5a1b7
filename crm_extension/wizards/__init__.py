from . import crm_pipeline_lost_wizard, crm_set_role_wizard
