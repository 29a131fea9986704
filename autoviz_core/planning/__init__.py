"""Planning: read the question, rank the requests, pick and adapt a template, resolve and validate the plan."""
