"""Pure import core: files and plain data in, rows and errors out. No Django, no models.

Pipeline: ``read_table(data, filename)`` → ``detect_mapping(table.header, kind=...)`` (the user
may override it; ``HeaderMapping.to_json``/``from_json`` save it as a template) →
``parse_customs`` / ``parse_fdi`` / ``parse_odi`` / ``parse_enterprise_list`` with ``Lookups``
built from the database → a result with aggregated rows, ``RowError``s, counts and totals →
``error_report_xlsx`` for the rejected rows.
"""
