#!/usr/bin/env bash
# Restores a dump of deploy/backup/pg-backup.sh into a service's database, which must be empty (a fresh
# cluster, or a database just created for the service's role): one transaction, stopped at the first
# error, objects owned by the role that connects. The service then starts on it as before (its
# migrations table comes with the data, so `migrate` has nothing to do).
#   deploy/backup/pg-restore.sh POSTGRES_URL DUMP_FILE
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 POSTGRES_URL DUMP_FILE" >&2; exit 2; }
url=$1 dump=$2
tables=$(psql -X -q -t -A --dbname="$url" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [[ $tables != 0 ]]; then
  echo "pg-restore: the database already has $tables tables; restore into an empty database" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$dump"
echo "pg-restore: $dump restored"
