from . import controllers, models, report, tools, wizards
from .hooks import post_init_hook, uninstall_hook
