#!/bin/sh
# Fill in pgbouncer.ini and the user list from the environment, then run PgBouncer.
set -eu
: "${DATABASE:?}" "${DB_HOST:?}" "${APP_DATABASE_PASSWORD:?}"
export DB_PORT="${DB_PORT:-5432}" LISTEN_ADDR="${LISTEN_ADDR:-0.0.0.0}" LISTEN_PORT="${LISTEN_PORT:-6432}"
export AUTH_TYPE="${AUTH_TYPE:-scram-sha-256}" AUTH_FILE=/tmp/pgbouncer-users.txt
export LOG_FILE="" PID_FILE=""  # logs to stderr, in the foreground
printf '"%s" "%s"\n' "${APP_DATABASE_USER:-rapport_app}" "$APP_DATABASE_PASSWORD" > "$AUTH_FILE"
envsubst < /etc/pgbouncer/pgbouncer.ini.template > /tmp/pgbouncer.ini
exec pgbouncer /tmp/pgbouncer.ini
