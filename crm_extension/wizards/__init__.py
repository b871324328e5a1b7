from . import crm_pipeline_lost_wizard
