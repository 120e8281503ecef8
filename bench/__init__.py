"""
The registry's benchmark: `make bench` (or `python -m bench`) on PostgreSQL.

Every figure is a ratio against a baseline measured in the same run on the same
server, so the table means the same on a faster or slower machine.
"""
