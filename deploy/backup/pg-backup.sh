#!/usr/bin/env bash
# Logical backup of one service's database: the custom format of pg_dump (compressed, restorable table by
# table), without owners or grants, so that it restores into any cluster whose database belongs to the
# service's role. docs/deploy.md shows how to reach the database in Compose and in Kubernetes.
#   deploy/backup/pg-backup.sh POSTGRES_URL OUT_FILE
#   e.g. deploy/backup/pg-backup.sh postgresql://product:PW@127.0.0.1:5432/product product-$(date +%F).dump
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 POSTGRES_URL OUT_FILE" >&2; exit 2; }
url=$1 out=$2
tmp="$out.partial"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$tmp" --dbname="$url"
# A dump that pg_restore cannot list is not a backup.
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$out"
echo "pg-backup: $(du -h "$out" | cut -f1) in $out"
