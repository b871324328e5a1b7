from xlsxwriter.utility import xl_range

from odoo import models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.domain_words import describe_domain

HEADER_ROW = 2  # rows 0-1: title and the applied filters
BATCH = 5000  # rows fetched and written at a time
# Excel's serial of 1970-01-01 in the 1900 date system (xlsxwriter's default, ours)
EXCEL_UNIX_EPOCH = 25569
# strftime directives of a language's date format -> Excel's date codes
EXCEL_DATE_CODES = {
    "d": "dd",
    "e": "d",
    "m": "mm",
    "Y": "yyyy",
    "y": "yy",
    "b": "mmm",
    "B": "mmmm",
    "a": "ddd",
    "A": "dddd",
}


def excel_date_format(date_format):
    """The Excel number format of the strftime ``date_format`` of a language (e.g.
    ``%d.%m.%Y`` -> ``dd\\.mm\\.yyyy``); separators are escaped so that every
    spreadsheet shows them as the language writes them."""
    parts, chars = [], iter(date_format or "%Y-%m-%d")
    for char in chars:
        if char == "%":
            parts.append(EXCEL_DATE_CODES.get(next(chars, ""), ""))
        elif char.isalnum():
            parts.append(f'"{char}"')
        else:
            parts.append("\\" + char)
    return "".join(parts) or "yyyy-mm-dd"


class CrmReportXlsxCommon(models.AbstractModel):
    """What the workbooks of the analyses share: a streaming workbook, its formats,
    sheets with a title, the filters in words and a frozen header, typed column
    plans for fast row writing, and totals rows of SUBTOTAL formulas.

    The reports read everything as the user who prints them (``report_xlsx`` renders
    with ``sudo(False)``): the record rules and the analyses' own scoping apply.
    """

    _name = "report.crm_extension.xlsx_common"
    _inherit = "report.report_xlsx.abstract"
    _description = "Excel Workbook of an Analysis"

    def get_workbook_options(self):
        # rows are streamed to temporary files: memory does not grow with the rows
        return {"constant_memory": True, "in_memory": False}

    def _get_objs_for_report(self, docids, data):
        # the rows come from the domain of ``data``, never from active ids
        return self.browse()

    # ---------------------------------------------------------------- hooks
    def _get_report_domain(self, data):
        """The domain of the rows to write, as the export action put it in ``data``."""
        return (data or {}).get("domain") or []

    def _get_filters_text(self, data, model, domain):
        """The line under each title: the filters as the user saw them (the search's
        facets when the client sent them), else the domain in words."""
        label = (data or {}).get("filters_label") or describe_domain(self.env, model, domain)
        return self.env._("Filters: %(filters)s", filters=label)

    # ---------------------------------------------------------------- workbook
    def _get_formats(self, workbook):
        """The formats of the workbook by name; amounts in the company currency, its
        symbol where the currency puts it ("$ 1,000.00", "1.000,00 €"); dates as the
        user's language writes them in Odoo. Excel shows the thousands and decimal
        separators of the reader's own settings: the number formats are Excel's
        locale-neutral codes."""
        currency = self.env.company.currency_id
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        decimals = "." + "0" * currency.decimal_places if currency.decimal_places else ""
        if currency.position == "before":
            money = f"[${currency.symbol}] #,##0{decimals}"
        else:
            money = f"#,##0{decimals} [${currency.symbol}]"
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "filters": workbook.add_format({"italic": True, "font_color": "#555555"}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#E9ECEF", "bottom": 1, "text_wrap": True}
            ),
            "text": None,
            "date": workbook.add_format({"num_format": excel_date_format(lang.date_format)}),
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

    def _add_sheet(self, workbook, name, title, filters_text, fmt):
        """A new sheet with its title, the applied filters and a frozen header row.
        With ``constant_memory`` each sheet is written row-wise: create the sheets in
        their display order, then fill each."""
        sheet = workbook.add_worksheet(name)
        sheet.write(0, 0, title, fmt["title"])
        sheet.write(1, 0, filters_text, fmt["filters"])
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        return sheet

    def _write_header(self, sheet, labels, fmt, widths=None):
        for col, label in enumerate(labels):
            sheet.write(HEADER_ROW, col, label, fmt["header"])
            sheet.set_column(col, col, (widths or {}).get(col, 16))

    def _get_labels(self, model, names):
        """The labels of the fields ``names`` of ``model`` in the user's language."""
        return [model._fields[name].get_description(self.env)["string"] for name in names]

    def _write_totals_row(self, sheet, row, totals, fmt):
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

    def _write_group_rows(self, sheet, model, groupby, measures, domain, fmt, **options):
        """A header and a row per group of ``model``'s rows of ``domain`` by the
        many2one ``groupby``: its name (``options["empty_label"]`` for no record) and
        the ``measures`` [(field, aggregate, kind)]; an aggregate over no row writes
        ``options["no_value"]`` (0, None for a blank cell). Returns the last row
        written, the groups and the aggregates of the whole domain, read as the user."""
        labels = self._get_labels(model, [groupby] + [name for name, *_rest in measures])
        self._write_header(sheet, labels, fmt, widths={0: 24})
        aggregates = [aggregate for _name, aggregate, _kind in measures]
        groups = model._read_group(domain, [groupby], aggregates, order=groupby)
        no_value = options.get("no_value", 0)
        row = HEADER_ROW
        for group, *values in groups:
            row += 1
            sheet.write_string(row, 0, group.display_name or options["empty_label"])
            for col, ((_name, _agg, kind), value) in enumerate(
                zip(measures, values, strict=True), 1
            ):
                if value is None or value is False:
                    value = no_value
                if value is not None:
                    sheet.write_number(row, col, value, fmt[kind])
        [totals] = model._read_group(domain, [], aggregates)
        return row, groups, totals

    # ---------------------------------------------------------------- rows
    def _get_column_sql(self, table, columns):
        """The SELECT expressions of ``columns`` [(field name, kind)] of ``table``, the
        row id first, each in the form the sheet writes it: numbers as ``float8``
        (no Decimal per cell), dates and datetimes as Excel serials (UTC, as the
        web client's own export writes them), computed by the database."""
        exprs = [SQL.identifier(table, "id")]
        for name, kind in columns:
            column = SQL.identifier(table, name)
            if kind == "date":
                exprs.append(
                    SQL("EXTRACT(EPOCH FROM %s)::float8 / 86400 + %s", column, EXCEL_UNIX_EPOCH)
                )
            elif kind in ("money", "float", "percent"):
                exprs.append(SQL("%s::float8", column))
            else:
                exprs.append(column)
        return exprs

    def _get_column_plan(self, sheet, columns, fmt):
        """How to write the ``columns`` [(field name, kind)] of a row, decided once.

        Per-cell cost dominates large exports (xlsxwriter builds each cell's XML): each
        column gets its typed writer and format here, and the values come from
        :meth:`_get_column_sql` ready to write (dates already Excel serials), so that
        the row loop has no ORM, no conversion and no per-cell type dispatch. Column
        ``i`` is ``values[i + 1]`` (``values[0]`` is the row id).
        """
        plan = {"texts": [], "m2os": [], "numbers": []}
        for col, (name, kind) in enumerate(columns):
            index = col + 1
            if kind == "text":
                plan["texts"].append((col, index))
            elif kind == "m2o":
                plan["m2os"].append((col, index, name))
            else:
                plan["numbers"].append((col, index, fmt[kind]))
        # xlsxwriter's cell writers without their A1-notation wrapper (what its own
        # ``write()`` calls): our coordinates are integers, and the wrapper's check
        # costs ~6% of a large export; the public ones where a version lacks them
        plan["write_string"] = getattr(sheet, "_write_string", sheet.write_string)
        plan["write_number"] = getattr(sheet, "_write_number", sheet.write_number)
        return plan

    def _write_batch(self, row, batch, plan, names):
        """Write the rows of ``batch`` after ``row`` with ``plan``; ``names`` gives the
        display names of the many2one values by field. Returns the last row written."""
        write_string, write_number = plan["write_string"], plan["write_number"]
        texts, numbers = plan["texts"], plan["numbers"]
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
            for col, index, number_fmt in numbers:
                if (value := values[index]) is not None:
                    write_number(row, col, value, number_fmt)
        return row

    def _get_m2o_names(self, model, columns, batch):
        """Display names of the many2one values of ``batch`` (rows of ``columns`` of
        ``model``, ``values[0]`` the id) by field, one query per comodel."""
        names = {}
        for col, (name, kind) in enumerate(columns, 1):
            if kind != "m2o":
                continue
            ids = {values[col] for values in batch if values[col]}
            records = self.env[model._fields[name].comodel_name].browse(ids)
            names[name] = {record.id: record.display_name for record in records}
        return names

    def _get_rows_batch(self, model, columns, domain, last_id):
        """The next rows of ``model`` of ``domain`` after ``last_id`` (keyset
        pagination), searched as the user, as :meth:`_get_column_sql` selects them."""
        query = model._search(Domain.AND([domain, [("id", ">", last_id)]]), order="id", limit=BATCH)
        return self.env.execute_query(query.select(*self._get_column_sql(query.table, columns)))

    def _write_rows_sheet(self, sheet, model, columns, domain, fmt, total_kinds, widths=None):
        """The rows of ``model`` of ``domain`` under a header, batch by batch, with a
        totals row of the columns whose kind is in ``total_kinds`` and an autofilter.
        Returns the number of rows and the ids of the many2one values by field."""
        labels = self._get_labels(model, [name for name, _kind in columns])
        self._write_header(sheet, labels, fmt, widths=widths)
        plan = self._get_column_plan(sheet, columns, fmt)
        totals = {
            col: 0.0 if kind == "money" else 0
            for col, (_name, kind) in enumerate(columns)
            if kind in total_kinds
        }
        m2o_ids = {name: set() for name, kind in columns if kind == "m2o"}
        row = HEADER_ROW
        last_id = 0
        while batch := self._get_rows_batch(model, columns, domain, last_id):
            last_id = batch[-1][0]
            names = self._get_m2o_names(model, columns, batch)
            for name, ids in m2o_ids.items():
                ids.update(names[name])
            row = self._write_batch(row, batch, plan, names)
            for col in totals:
                # added in row order, like Excel's SUBTOTAL: the same cached total
                total = totals[col]
                for values in batch:
                    if (value := values[col + 1]) is not None:
                        total += value
                totals[col] = total
        self._write_totals_row(sheet, row, totals, fmt)
        if row > HEADER_ROW:
            sheet.autofilter(HEADER_ROW, 0, row, len(columns) - 1)
        return row - HEADER_ROW, m2o_ids

    def _generate_one_sheet(self, workbook, data, model, names, write_sheet):
        """A workbook of one sheet of ``model``'s rows of the report's domain:
        ``names`` = (sheet name, title), the filters in words on top,
        ``write_sheet(sheet, domain, fmt)`` writing the rows."""
        fmt = self._get_formats(workbook)
        domain = self._get_report_domain(data)
        filters_text = self._get_filters_text(data, model, domain)
        sheet = self._add_sheet(workbook, *names, filters_text, fmt)
        write_sheet(sheet, domain, fmt)
