"""Reports and provenance: findings, HTML/Markdown reports, safe exports and the run bundle."""

from autoviz_core.report.bundle import bundle_files, bundle_zip_bytes, write_bundle
from autoviz_core.report.exports import (
    neutralise_cell,
    safe_table,
    table_to_csv_bytes,
    tables_to_xlsx_bytes,
)
from autoviz_core.report.finding import Finding
from autoviz_core.report.findings import collect_findings
from autoviz_core.report.html import render_html
from autoviz_core.report.markdown import render_markdown

__all__ = [
    "Finding",
    "bundle_files",
    "bundle_zip_bytes",
    "collect_findings",
    "neutralise_cell",
    "render_html",
    "render_markdown",
    "safe_table",
    "table_to_csv_bytes",
    "tables_to_xlsx_bytes",
    "write_bundle",
]
