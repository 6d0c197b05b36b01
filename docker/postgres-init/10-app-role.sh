#!/bin/sh
# Runs once, when the postgres container makes its empty database: the role web, worker and beat connect as.
# It owns nothing; `manage.py grant_app_role` (the migrate service, after every migrate) gives it its privileges.
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$POSTGRES_APP_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE prevent_app LOGIN PASSWORD :'app_password';
SQL
