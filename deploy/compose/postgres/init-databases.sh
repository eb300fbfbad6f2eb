#!/bin/sh
# Runs once, when the compose PostgreSQL volume is first created: one database per service, owned by a role of the
# same name, so a service can only reach its own data (as in production, where each has its own credentials).
# Local only: the compose network trusts its clients (no passwords to commit); nothing publishes port 5432.
set -eu
for service in auth account transaction payment notification; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE kasho_${service} LOGIN;
CREATE DATABASE kasho_${service} OWNER kasho_${service};
REVOKE ALL ON DATABASE kasho_${service} FROM PUBLIC;
SQL
done
