#!/bin/sh
# Back up or restore the PostgreSQL database named by DATABASE_URL (or the file in DATABASE_URL_FILE).
#   backup.sh                 -> writes $BACKUP_DIR/fachtag-<UTC time>.dump (pg_dump's custom format), prints its name
#   backup.sh restore FILE    -> replaces the database's contents with FILE, in one transaction
# The dumps hold personal data: keep them as protected as the database, and delete them after the retention period.
set -eu
url=${DATABASE_URL:-}
if [ -n "${DATABASE_URL_FILE:-}" ]; then url=$(cat "$DATABASE_URL_FILE"); fi
[ -n "$url" ] || { echo "backup.sh: set DATABASE_URL (or DATABASE_URL_FILE)" >&2; exit 2; }
dir=${BACKUP_DIR:-backups}

case "${1:-backup}" in
  backup)
    mkdir -p "$dir"
    file="$dir/fachtag-$(date -u +%Y%m%dT%H%M%SZ).dump"
    # Written under another name first: a dump cut short never looks like a finished one.
    pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$url"
    mv "$file.partial" "$file"
    echo "$file"
    ;;
  restore)
    file=${2:?usage: backup.sh restore FILE}
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="$url" "$file"
    echo "restored $file"
    ;;
  *)
    echo "usage: backup.sh [backup | restore FILE]" >&2
    exit 2
    ;;
esac
