"""All of habit's SQL: the schema (stdlib), the light sqlite3 store, the SQLModel models and store."""
