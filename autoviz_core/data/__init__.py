"""Loading tables from files and profiling them into a SchemaProfile."""

from autoviz_core.data.loading import (  # noqa: F401
    LoadedTable,
    load_table,
    load_table_bytes,
    table_from_dataframe,
)
from autoviz_core.data.profiling import ColumnProfile, SchemaProfile, profile_table  # noqa: F401
