#!/bin/sh
# Runs once, when PostgreSQL initialises an empty data volume (/docker-entrypoint-initdb.d).
# Creates the role Rasa and the purge job log in with (DB_USER): not a superuser, cannot create
# databases or roles, does not own the database; it may connect to DB_NAME and create and use tables
# in its schema `public` (Rasa creates the `events` table on start; the purge job deletes old rows).
# Creates the role the web front counts with (COUNTS_USER): it may read and add to the campaign
# counters (table campaign_counts, created here) and nothing else – no access to the conversations.
# The superuser (POSTGRES_USER, password DB_ADMIN_PASSWORD) is for administration only.
set -eu
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_user="$DB_USER" -v app_password="$DB_PASSWORD" -v db="$POSTGRES_DB" \
     -v counts_user="$COUNTS_USER" -v counts_password="$COUNTS_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app_user";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"app_user";
CREATE ROLE :"counts_user" LOGIN PASSWORD :'counts_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
GRANT CONNECT ON DATABASE :"db" TO :"counts_user";
GRANT USAGE ON SCHEMA public TO :"counts_user";
CREATE TABLE campaign_counts (campaign VARCHAR(40) NOT NULL, week VARCHAR(8) NOT NULL,
    metric VARCHAR(100) NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (campaign, week, metric));
GRANT SELECT, INSERT, UPDATE ON campaign_counts TO :"counts_user";
SQL
