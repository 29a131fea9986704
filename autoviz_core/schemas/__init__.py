"""The JSON schemas and GBNF grammars the model is constrained to, as committed files a reviewer
can read; the build step scripts/render_schemas.py writes them (`make schemas`) and checks them
for drift."""
