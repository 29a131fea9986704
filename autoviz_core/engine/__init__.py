"""The engine layer: tables that stay where they live (files queried in place by DuckDB, or a
database), analysed by SQL that ibis compiles. Tools call it; it never imports tools or planning.

- source.py   open a file, a glob of files or a database table as an EngineTable
- query.py    run one query with progress reports, cancellation and the memory budget
- profile.py  the SchemaProfile of an engine table, computed by SQL (approximate figures marked)
- sample.py   the seeded, bounded sample that planning and pandas-only tools see
- csv_lines.py  seeded runs of lines of a big CSV, for its first question read in place
- copy_csv.py   the columnar copy of such a CSV, made in a process of its own after the answer
- route.py    whether a file goes to pandas (today's path) or to the engine
"""

from autoviz_core.engine.query import QueryCancelled, QueryProgress  # noqa: F401
from autoviz_core.engine.source import EngineTable  # noqa: F401
