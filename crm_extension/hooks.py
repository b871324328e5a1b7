def post_init_hook(env):
    """Put the customers and orders that exist before installation into their stages.

    Existing records enter the stage matching their state silently: no activities,
    no chatter notes and no transition log, which would all date from the install.
    """
    ctx = {"crm_stage_automatic": True, "crm_stage_init": True, "tracking_disable": True}
    orders = env["sale.order"].with_context(**ctx).search([("pipeline_stage_id", "=", False)])
    orders._crm_init_pipeline_stage()
    partners = (
        env["res.partner"]
        .with_context(**ctx)
        .search(
            [
                ("pipeline_stage_id", "=", False),
                ("parent_id", "=", False),
                ("customer_rank", ">", 0),
            ]
        )
    )
    partners._crm_set_first_stage()
