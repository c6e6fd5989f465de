"""PostgreSQL: the pool, the unit of work, the repositories and the migrations."""
