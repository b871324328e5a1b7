def post_init_hook(env):
    """Put the customers and orders that exist before installation into their stages.

    Existing records enter the stage matching their state silently: no activities,
    no chatter notes and no transition log, which would all date from the install.
    """
    env["sale.order"].search([("pipeline_stage_id", "=", False)])._crm_init_pipeline_stage()
    env["res.partner"].search(
        [
            ("pipeline_stage_id", "=", False),
            ("parent_id", "=", False),
            ("customer_rank", ">", 0),
        ]
    )._crm_init_pipeline_stage()
    # then as far as their orders take them (first quotation sent, order confirmed...)
    env["res.partner"]._crm_place_customers_by_facts()


def uninstall_hook(env):
    """Remove the documents the demo story made around the demo records (orders,
    invoices, payments): they would keep the demo customers, products and users from
    being removed with the addon."""
    env["crm.demo"]._unload_demo_story()
