"""The question log: records, migrations, secrets, the SQLite store, admin views, the web view."""
