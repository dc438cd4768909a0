#!/bin/sh
# Runs once, when PostgreSQL initialises an empty data volume (/docker-entrypoint-initdb.d).
# Creates the role Rasa and the purge job log in with (DB_USER): not a superuser, cannot create
# databases or roles, does not own the database; it may connect to DB_NAME and create and use tables
# in its schema `public` (Rasa creates the `events` table on start; the purge job deletes old rows).
# The superuser (POSTGRES_USER, password DB_ADMIN_PASSWORD) is for administration only.
set -eu
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_user="$DB_USER" -v app_password="$DB_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app_user";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"app_user";
SQL
