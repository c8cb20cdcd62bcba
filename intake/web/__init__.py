"""The people's screens (FastAPI + Jinja2 + HTMX, rendered on the server) and the REST API.

Both call `intake.services`, which enforces who may see and change what."""
