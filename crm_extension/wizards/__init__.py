from . import crm_pipeline_lost_wizard
from . import sale_order_accounting_reject
