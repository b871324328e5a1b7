{
    "name": "CRM Extension: Pipelines, Quote-to-Invoice, Customer Card",
    "summary": "Pipeline stages with automation on customers and sale orders, "
    "a quote-to-invoice bridge for accountants, and a role-aware customer card",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/crm-extension/crm_extension",
    "author": "crm_extension developers",
    "license": "LGPL-3",
    "depends": ["sale_management", "account", "mail", "contacts"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_extension_rules.xml",
        "data/crm_pipeline_lost_reason_data.xml",
        "data/crm_pipeline_stage_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_pipeline_stage_views.xml",
        "views/crm_pipeline_stage_log_views.xml",
        "views/crm_pipeline_lost_reason_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "wizards/crm_pipeline_lost_wizard_views.xml",
        "views/crm_extension_menus.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_accounting_views.xml",
        "wizards/sale_order_accounting_reject_views.xml",
    ],
    "demo": [
        "demo/crm_extension_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_tests": [
            "crm_extension/static/tests/tours/*.js",
        ],
    },
}
