from . import crm_request
