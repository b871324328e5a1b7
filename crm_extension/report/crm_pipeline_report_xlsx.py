import tempfile
from datetime import timedelta
from functools import partial

import xlsxwriter
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

try:
    from xlsxwriter.utility import datetime_to_excel_datetime
except ImportError:  # XlsxWriter 3.2+ (newer than Odoo's 3.0.2/3.1.9) made it private
    from xlsxwriter.utility import _datetime_to_excel_datetime as datetime_to_excel_datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.orm.domains import DomainAnd, DomainCondition, DomainNary
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime

# (field, kind) of the "Orders" sheet; labels come from the fields
ORDER_COLUMNS = [
    ("name", "text"),
    ("date", "date"),
    ("partner_id", "m2o"),
    ("customer_class", "text"),
    ("user_id", "m2o"),
    ("team_id", "m2o"),
    ("stage_id", "m2o"),
    ("lost_reason_id", "m2o"),
    ("source_id", "m2o"),
    ("campaign_id", "m2o"),
    ("amount_untaxed", "money"),
    ("weighted_amount", "money"),
    ("revenue", "money"),
    ("days_to_close", "float"),
]
BATCH = 5000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 2  # rows 0-1: title and the applied filters


class CrmPipelineReport(models.Model):
    _inherit = "crm.pipeline.report"

    # ---------------------------------------------------------------- actions
    @api.model
    def action_export_xlsx(self, domain=None, filters_label=None, receivable_domain=None):
        """Download the analysis of the orders of ``domain`` the user may see, and the
        receivables of ``receivable_domain`` (on ``crm.receivable.report``) when given."""
        return self._xlsx_download(
            lambda fileobj: self._xlsx_write(
                fileobj,
                domain or [],
                filters_label=filters_label,
                receivable_domain=receivable_domain,
            ),
            self.env._("pipeline_analysis_%(date)s.xlsx", date=fields.Date.context_today(self)),
        )

    @api.model
    def action_export_xlsx_selection(self):
        """The "Export to Excel" server action of the list: the selected rows, or the
        current search when the whole of it is selected (see ``_xlsx_active_domain``)."""
        return self.action_export_xlsx(self._xlsx_active_domain())

    @api.model
    def _xlsx_active_domain(self):
        """The domain of the rows a server action of the list applies to.

        The web client sends the search (``active_domain``) and the selected ids
        (``active_ids``); when the whole search is selected, ``active_ids`` are its
        first ``web.active_ids_limit`` ids. The selection is exported, unless it reached
        that limit: then the search is, without the truncation.
        """
        context = self.env.context
        active_ids = context.get("active_ids") or []
        active_domain = context.get("active_domain")
        # sudo: a technical setting the web client reads for every user (ir.http)
        limit = int(
            self.env["ir.config_parameter"].sudo().get_param("web.active_ids_limit", "20000")
        )
        if active_domain is not None and (not active_ids or len(active_ids) >= limit):
            return active_domain
        return [("id", "in", list(active_ids))]

    @api.model
    def _xlsx_download(self, write, filename):
        """The download action of the workbook that ``write(fileobj)`` writes."""
        with tempfile.TemporaryFile() as tmp:
            write(tmp)
            tmp.seek(0)
            data = tmp.read()
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": data,  # no base64 copy of a file of megabytes
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    @api.model
    def _xlsx_sheet_download(self, model, names, domain, filters_label, write_sheet, filename):
        """The download of a one-sheet workbook of ``model``'s rows of ``domain``:
        ``names`` = (sheet name, title), the filters in words on top, ``write_sheet(sheet,
        domain, fmt)`` writing the rows (the Receivables and Stage Analysis exports)."""

        def write(fileobj):
            workbook, fmt = self._xlsx_workbook(fileobj)
            filters = filters_label or self._xlsx_describe(domain, model=model)
            sheet = self._xlsx_sheet(
                workbook, *names, self.env._("Filters: %(filters)s", filters=filters), fmt
            )
            write_sheet(sheet, domain, fmt)
            workbook.close()

        return self._xlsx_download(write, filename)

    @api.autovacuum
    def _gc_xlsx_exports(self):
        """Drop the Excel exports older than a day: they are downloaded at once, and
        a large one weighs megabytes in the filestore."""
        # sudo: the files of every user, which nobody else may read or delete
        old = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", (0, False)),
                    ("mimetype", "=", XLSX_MIMETYPE),
                    ("create_date", "<", fields.Datetime.now() - timedelta(days=1)),
                ]
            )
        )
        old.unlink()
        return len(old)

    # ---------------------------------------------------------------- workbook
    @api.model
    def _xlsx_write(self, fileobj, domain, filters_label=None, receivable_domain=None):
        """Write the workbook of the analysis of ``domain`` into ``fileobj``.

        Everything is searched as the current user (record rules apply). Rows are
        streamed in batches with xlsxwriter's ``constant_memory`` mode: memory does not
        grow with the number of rows. A "Receivables" sheet (``receivable_domain`` on
        the receivables analysis) is added only for users who may see the figures of
        the customer card.

        :returns: number of order rows written
        """
        workbook, fmt = self._xlsx_workbook(fileobj)
        filters_text = self.env._(
            "Filters: %(filters)s", filters=filters_label or self._xlsx_describe(domain)
        )
        Receivable = self.env["crm.receivable.report"]
        with_receivables = receivable_domain is not None and Receivable.has_access("read")
        # sheets are created in display order; constant_memory writes each row-wise
        summary = self._xlsx_sheet(
            workbook, self.env._("Summary"), self.env._("Pipeline Analysis"), filters_text, fmt
        )
        orders = self._xlsx_sheet(
            workbook,
            self.env._("Orders"),
            self.env._("Pipeline Analysis: Orders"),
            filters_text,
            fmt,
        )
        stages = self._xlsx_sheet(
            workbook,
            self.env._("Stages"),
            self.env._("Pipeline Analysis: Stage Conversion"),
            filters_text,
            fmt,
        )
        if with_receivables:
            receivables = self._xlsx_sheet(
                workbook,
                self.env._("Receivables"),
                self.env._("Receivables Analysis"),
                filters_text,
                fmt,
            )
        self._xlsx_summary_sheet(workbook, summary, domain, fmt)
        count = self._xlsx_orders_sheet(orders, domain, fmt)
        # the transitions of the exported orders
        stage_domain = [("order_id", "in", self._search(domain))] if domain else []
        self._xlsx_stages_sheet(stages, stage_domain, fmt)
        if with_receivables:
            Receivable._xlsx_receivables_sheet(receivables, receivable_domain, fmt)
        workbook.close()
        return count

    @api.model
    def _xlsx_workbook(self, fileobj):
        """A streaming workbook on ``fileobj`` and its formats by name."""
        workbook = xlsxwriter.Workbook(fileobj, {"constant_memory": True, "in_memory": False})
        currency = self.env.company.currency_id
        decimals = "." + "0" * currency.decimal_places if currency.decimal_places else ""
        # the symbol where the currency puts it ("$ 1,000.00", "1.000,00 €")
        if currency.position == "before":
            money = f"[${currency.symbol}] #,##0{decimals}"
        else:
            money = f"#,##0{decimals} [${currency.symbol}]"
        fmt = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "filters": workbook.add_format({"italic": True, "font_color": "#555555"}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#E9ECEF", "bottom": 1, "text_wrap": True}
            ),
            "text": None,
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "int": workbook.add_format({"num_format": "#,##0"}),
            "float": workbook.add_format({"num_format": "#,##0.00"}),
            "percent": workbook.add_format({"num_format": "0.0"}),
            "money": workbook.add_format({"num_format": money}),
            "total_label": workbook.add_format({"bold": True, "top": 1}),
            "total_int": workbook.add_format({"bold": True, "top": 1, "num_format": "#,##0"}),
            "total_money": workbook.add_format({"bold": True, "top": 1, "num_format": money}),
            "total_float": workbook.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"}),
            "total_percent": workbook.add_format({"bold": True, "top": 1, "num_format": "0.0"}),
        }
        return workbook, fmt

    @api.model
    def _xlsx_sheet(self, workbook, name, title, filters_text, fmt):
        """A new sheet with its title, the applied filters and a frozen header row."""
        sheet = workbook.add_worksheet(name)
        sheet.write(0, 0, title, fmt["title"])
        sheet.write(1, 0, filters_text, fmt["filters"])
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        return sheet

    def _xlsx_describe(self, domain, model=None):
        """The filters of ``domain`` on ``model`` (default: this one) in words: each
        condition as "<field label> <operator> <displayed value>", joined with "and" /
        "or"; anything else (paths, negations, sub-domains) as the domain's text."""
        domain = Domain(domain)
        if domain.is_true():
            return self.env._("none")
        return self._xlsx_describe_node(domain, self if model is None else model)

    def _xlsx_describe_node(self, node, model):
        if isinstance(node, DomainCondition):
            return self._xlsx_describe_condition(node, model) or str(node)
        if isinstance(node, DomainNary):
            separator = self.env._(" and ") if isinstance(node, DomainAnd) else self.env._(" or ")
            return separator.join(
                f"({self._xlsx_describe_node(child, model)})"
                if isinstance(child, DomainNary)
                else self._xlsx_describe_node(child, model)
                for child in node.children
            )
        return str(node)

    def _xlsx_describe_condition(self, condition, model):
        """A simple condition in words, or None when it is not one."""
        field = model._fields.get(condition.field_expr)
        operator, value = condition.operator, condition.value
        if field is None:
            return None
        if field.name == "id" and operator == "in" and isinstance(value, (list, tuple, set)):
            if len(value) == 1:
                return self.env._("1 selected row")
            return self.env._("%(count)s selected rows", count=len(value))
        label = field.get_description(self.env)["string"]
        if value is False and field.type != "boolean" and operator in ("=", "!=", "in", "not in"):
            if operator in ("=", "in"):
                return self.env._("%(field)s is not set", field=label)
            return self.env._("%(field)s is set", field=label)
        operators = {
            "=": self.env._("is"),
            "!=": self.env._("is not"),
            "in": self.env._("is in"),
            "not in": self.env._("is not in"),
            "like": self.env._("contains"),
            "ilike": self.env._("contains"),
            "not like": self.env._("does not contain"),
            "not ilike": self.env._("does not contain"),
            "<": "<",
            ">": ">",
            "<=": "<=",
            ">=": ">=",
            "child_of": self.env._("is under"),
        }
        if operator not in operators:
            return None
        if operator in ("in", "not in") and isinstance(value, (list, tuple, set)):
            if len(value) == 1:
                operator = "=" if operator == "in" else "!="
            texts = self._xlsx_describe_values(field, list(value))
        else:
            texts = self._xlsx_describe_values(field, [value])
        if texts is None:
            return None
        return f"{label} {operators[operator]} {', '.join(texts)}"

    def _xlsx_describe_values(self, field, values):
        """The values of a condition on ``field`` as the user sees them."""
        env = self.env
        if field.relational:
            ids = [value for value in values if isinstance(value, int)]
            names = {}
            if ids:
                records = env[field.comodel_name].browse(ids)
                try:
                    names = {record.id: record.display_name for record in records.exists()}
                except AccessError:
                    names = {}
            return [
                names.get(value, str(value)) if isinstance(value, int) else str(value)
                for value in values
            ]
        if field.type == "selection":
            labels = dict(field._description_selection(env))
            return [str(labels.get(value, value)) for value in values]
        if field.type == "boolean":
            return [env._("Yes") if value else env._("No") for value in values]
        return [self._xlsx_describe_value(field, value) for value in values]

    def _xlsx_describe_value(self, field, value):
        """A date, datetime, number or text value of a condition on ``field``."""
        if value is False or value is None:
            return self.env._("not set")
        formatter = {"date": format_date, "datetime": format_datetime}.get(field.type)
        if formatter:
            try:
                return formatter(self.env, value)
            except (TypeError, ValueError):  # e.g. a relative date the client did not resolve
                return str(value)
        return str(value)

    def _xlsx_header(self, sheet, labels, fmt, widths=None):
        for col, label in enumerate(labels):
            sheet.write(HEADER_ROW, col, label, fmt["header"])
            sheet.set_column(col, col, (widths or {}).get(col, 16))

    def _xlsx_summary_sheet(self, workbook, sheet, domain, fmt):
        measures = [
            ("nbr_quotations", "nbr_quotations:sum", "int"),
            ("nbr_won", "nbr_won:sum", "int"),
            ("nbr_lost", "nbr_lost:sum", "int"),
            ("conversion_rate", "conversion_rate:avg", "percent"),
            ("amount_untaxed", "amount_untaxed:sum", "money"),
            ("revenue", "revenue:sum", "money"),
            ("average_order_value", "average_order_value:avg", "money"),
            ("weighted_amount", "weighted_amount:sum", "money"),
        ]
        labels = [self._fields["stage_id"].get_description(self.env)["string"]] + [
            self._fields[name].get_description(self.env)["string"] for name, *_ in measures
        ]
        self._xlsx_header(sheet, labels, fmt, widths={0: 24})
        groups = self._read_group(
            domain,
            ["stage_id"],
            [aggregate for _name, aggregate, _kind in measures],
            order="stage_id",
        )
        row = HEADER_ROW
        for stage, *values in groups:
            row += 1
            sheet.write_string(row, 0, stage.display_name or self.env._("No stage"))
            for col, ((_name, _agg, kind), value) in enumerate(
                zip(measures, values, strict=False), 1
            ):
                sheet.write_number(row, col, value or 0, fmt[kind])
        [totals] = self._read_group(domain, [], [aggregate for _name, aggregate, _kind in measures])
        total_row = row + 1
        # counts and amounts add up; conversion and average order value are formulas
        # over those totals (won ÷ closed, revenue ÷ won), as the analysis defines them
        quotations, won, lost, conversion, amount, revenue, average, weighted = totals
        self._xlsx_totals_row(
            sheet,
            row,
            {
                1: quotations or 0,
                2: won or 0,
                3: lost or 0,
                5: float(amount or 0),
                6: float(revenue or 0),
                8: float(weighted or 0),
            },
            fmt,
        )
        won_cell, lost_cell, revenue_cell = (xl_rowcol_to_cell(total_row, col) for col in (2, 3, 6))
        sheet.write_formula(
            total_row,
            4,
            f"=IF({won_cell}+{lost_cell}=0,0,100*{won_cell}/({won_cell}+{lost_cell}))",
            fmt["total_percent"],
            conversion or 0,
        )
        sheet.write_formula(
            total_row,
            7,
            f"=IF({won_cell}=0,0,{revenue_cell}/{won_cell})",
            fmt["total_money"],
            average or 0,
        )
        if groups:
            chart = workbook.add_chart({"type": "column"})
            weighted_col = len(measures)
            revenue_col = 6
            for col in (revenue_col, weighted_col):
                chart.add_series(
                    {
                        "name": [sheet.name, HEADER_ROW, col],
                        "categories": [sheet.name, HEADER_ROW + 1, 0, row, 0],
                        "values": [sheet.name, HEADER_ROW + 1, col, row, col],
                    }
                )
            chart.set_title({"name": self.env._("Revenue and weighted pipeline by stage")})
            chart.set_legend({"position": "bottom"})
            sheet.insert_chart(
                xl_rowcol_to_cell(total_row + 2, 0), chart, {"x_scale": 1.6, "y_scale": 1.2}
            )

    def _xlsx_orders_sheet(self, sheet, domain, fmt):
        labels = [
            self._fields[name].get_description(self.env)["string"] for name, _kind in ORDER_COLUMNS
        ]
        self._xlsx_header(sheet, labels, fmt, widths={0: 14, 2: 28})
        plan = self._xlsx_column_plan(sheet, ORDER_COLUMNS, fmt)
        money_cols = [i for i, (_n, kind) in enumerate(ORDER_COLUMNS) if kind == "money"]
        totals = dict.fromkeys(money_cols, 0.0)
        row = HEADER_ROW
        last_id = 0
        while True:
            batch = self._xlsx_fetch_batch(domain, last_id)
            if not batch:
                break
            last_id = batch[-1][0]
            row = self._xlsx_write_batch(row, batch, plan, self._xlsx_names(batch))
            for col in money_cols:
                # added in row order, like Excel's SUBTOTAL: the same cached total
                total = totals[col]
                for values in batch:
                    if (value := values[col + 1]) is not None:
                        total += value
                totals[col] = total
        self._xlsx_totals_row(sheet, row, totals, fmt)
        if row > HEADER_ROW:
            sheet.autofilter(HEADER_ROW, 0, row, len(ORDER_COLUMNS) - 1)
        return row - HEADER_ROW

    def _xlsx_totals_row(self, sheet, row, totals, fmt):
        """A "Total" row under the data rows (which end at ``row``): a SUBTOTAL formula
        per column of ``totals`` {column: cached value} over exactly the data rows, or
        a plain 0 when there are none."""
        first, last = HEADER_ROW + 2, row + 1  # 1-based Excel rows of the data
        sheet.write(row + 1, 0, self.env._("Total"), fmt["total_label"])
        for col, total in totals.items():
            total_fmt = fmt["total_money"] if isinstance(total, float) else fmt["total_int"]
            if last < first:
                sheet.write_number(row + 1, col, 0, total_fmt)
                continue
            cell_range = xl_range(first - 1, col, last - 1, col)
            sheet.write_formula(row + 1, col, f"=SUBTOTAL(9,{cell_range})", total_fmt, total)

    @api.model
    def _xlsx_column_plan(self, sheet, columns, fmt):
        """How to write the ``columns`` [(field name, kind)] of a row, decided once.

        Per-cell cost dominates large exports (xlsxwriter builds each cell's XML): each
        column gets its typed writer and format here, dates are converted to Excel
        serials like ``write_datetime`` does, so that the row loop has no ORM and no
        per-cell type dispatch. Column ``i`` is ``values[i + 1]`` (``values[0]`` is the
        row id).
        """
        plan = {"texts": [], "m2os": [], "dates": [], "numbers": []}
        for col, (name, kind) in enumerate(columns):
            index = col + 1
            if kind == "text":
                plan["texts"].append((col, index))
            elif kind == "m2o":
                plan["m2os"].append((col, index, name))
            elif kind == "date":
                plan["dates"].append((col, index))
            else:
                plan["numbers"].append((col, index, fmt[kind]))
        plan["write_string"] = sheet.write_string
        plan["write_number"] = sheet.write_number
        plan["date_fmt"] = fmt["date"]
        plan["to_serial"] = partial(
            datetime_to_excel_datetime,
            date_1904=sheet.date_1904,
            remove_timezone=sheet.remove_timezone,
        )
        return plan

    @api.model
    def _xlsx_write_batch(self, row, batch, plan, names):
        """Write the rows of ``batch`` after ``row`` with ``plan``; ``names`` gives the
        display names of the many2one values by field. Returns the last row written."""
        write_string, write_number = plan["write_string"], plan["write_number"]
        to_serial, date_fmt = plan["to_serial"], plan["date_fmt"]
        texts, dates, numbers = plan["texts"], plan["dates"], plan["numbers"]
        m2os = [(col, index, names[name]) for col, index, name in plan["m2os"]]
        for values in batch:
            row += 1
            # the order of a row's cells does not matter: xlsxwriter writes the row,
            # column by column, when the next one starts
            for col, index in texts:
                if (value := values[index]) is not None:
                    write_string(row, col, value)
            for col, index, labels_by_id in m2os:
                if value := values[index]:
                    write_string(row, col, labels_by_id.get(value, ""))
            for col, index in dates:
                if value := values[index]:
                    write_number(row, col, to_serial(value), date_fmt)
            for col, index, number_fmt in numbers:
                if (value := values[index]) is not None:
                    write_number(row, col, value, number_fmt)
        return row

    def _xlsx_fetch_batch(self, domain, last_id):
        """Next rows after ``last_id`` (keyset pagination), searched as the user."""
        query = self._search(Domain.AND([domain, [("id", ">", last_id)]]), order="id", limit=BATCH)
        columns = [SQL.identifier(query.table, "id")] + [
            SQL.identifier(query.table, name) for name, _kind in ORDER_COLUMNS
        ]
        return self.env.execute_query(query.select(*columns))

    def _xlsx_names(self, batch, columns=None, model=None):
        """Display names of the many2one values of ``batch``, one query per model.
        ``columns`` (default: the orders') are fields of ``model`` (default: this
        one); ``values[0]`` is the id."""
        model = self if model is None else model
        names = {}
        for col, (name, kind) in enumerate(columns or ORDER_COLUMNS, 1):
            if kind != "m2o":
                continue
            ids = {values[col] for values in batch if values[col]}
            records = self.env[model._fields[name].comodel_name].browse(ids)
            names[name] = {record.id: record.display_name for record in records}
        return names

    def _xlsx_stages_sheet(self, sheet, stage_domain, fmt):
        """Stage-to-stage conversion and time in stage of the transitions of
        ``stage_domain`` (on ``crm.pipeline.stage.report``), a totals row of formulas."""
        StageReport = self.env["crm.pipeline.stage.report"]
        labels = [
            StageReport._fields[name].get_description(self.env)["string"]
            for name in (
                "stage_id",
                "nbr_entries",
                "nbr_advanced",
                "conversion_rate",
                "days_in_stage",
            )
        ] + [self.env._("Hours in Stage"), self.env._("Left the Stage")]
        self._xlsx_header(sheet, labels, fmt, widths={0: 24})
        aggregates = [
            "nbr_entries:sum",
            "nbr_advanced:sum",
            "conversion_rate:avg",
            "days_in_stage:avg",
            # the entries that left their stage: those the conversion and days count
            "conversion_rate:count",
        ]
        groups = StageReport._read_group(stage_domain, ["stage_id"], aggregates, order="stage_id")
        row = HEADER_ROW
        for stage, entries, advanced, conversion, days, left in groups:
            row += 1
            sheet.write_string(row, 0, stage.display_name)
            sheet.write_number(row, 1, entries or 0, fmt["int"])
            sheet.write_number(row, 2, advanced or 0, fmt["int"])
            if conversion is not None:
                sheet.write_number(row, 3, conversion, fmt["percent"])
            if days is not None:
                sheet.write_number(row, 4, days, fmt["float"])
                # a fresh pipeline spends hours, not days, in a stage
                sheet.write_number(row, 5, days * 24, fmt["float"])
            sheet.write_number(row, 6, left or 0, fmt["int"])
        # the whole, as the stage analysis defines it: moved forward ÷ entries that
        # left their stage, and the days averaged over those entries
        [(entries, advanced, conversion, days, left)] = StageReport._read_group(
            stage_domain, [], aggregates
        )
        self._xlsx_totals_row(sheet, row, {1: entries or 0, 2: advanced or 0, 6: left or 0}, fmt)
        if row == HEADER_ROW:
            return
        total_row = row + 1
        advanced_cell, left_cell = (xl_rowcol_to_cell(total_row, col) for col in (2, 6))
        days_range, left_range = (xl_range(HEADER_ROW + 1, col, row, col) for col in (4, 6))
        sheet.write_formula(
            total_row,
            3,
            f"=IF({left_cell}=0,0,100*{advanced_cell}/{left_cell})",
            fmt["total_percent"],
            conversion or 0,
        )
        sheet.write_formula(
            total_row,
            4,
            f"=IF({left_cell}=0,0,SUMPRODUCT({days_range},{left_range})/{left_cell})",
            fmt["total_float"],
            days or 0,
        )
        sheet.write_formula(
            total_row,
            5,
            f"={xl_rowcol_to_cell(total_row, 4)}*24",
            fmt["total_float"],
            (days or 0) * 24,
        )
