from . import crm_pipeline_stage
from . import crm_pipeline_stage_log
from . import crm_pipeline_lost_reason
from . import crm_pipeline_mixin
from . import mail_activity
from . import res_partner
from . import sale_order
from . import account_move
