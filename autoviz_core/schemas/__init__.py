"""The JSON schemas and GBNF grammars the model is constrained to, as committed files a reviewer
can read; `render` writes them (`python -m autoviz_core schemas`) and checks them for drift."""
