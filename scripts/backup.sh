#!/usr/bin/env bash
# A backup of the service's PostgreSQL database that is known to restore (README "Backups").
#
#   DATABASE_URL=postgresql://relief@db/relief scripts/backup.sh [DIR]
#
# Writes DIR/relief-YYYYmmddTHHMMSSZ.dump (pg_dump custom format: compressed, restored with pg_restore),
# checks the archive reads back, and deletes dumps older than BACKUP_KEEP_DAYS (30). DIR defaults to
# BACKUP_DIR or /var/backups/relief. The dump holds names and phone numbers in clear (ID numbers stay
# encrypted): only its owner may read it. FIELD_ENCRYPTION_KEY is not in it; keep that key apart.
set -euo pipefail
umask 077
DIR=${1:-${BACKUP_DIR:-/var/backups/relief}}
KEEP=${BACKUP_KEEP_DAYS:-30}
URL=${DATABASE_URL:?set DATABASE_URL to the database to back up}
# the service's URL may name SQLAlchemy's driver; pg_dump wants plain libpq
URL=${URL/postgresql+psycopg:\/\//postgresql://}
URL=${URL/postgres:\/\//postgresql://}
case "$URL" in
  postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not PostgreSQL; nothing to back up with pg_dump" >&2; exit 2 ;;
esac

mkdir -p "$DIR"
file="$DIR/relief-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$URL"
pg_restore --list "$file.partial" >/dev/null  # a dump that does not read back is no backup
mv "$file.partial" "$file"
find "$DIR" -maxdepth 1 -name 'relief-*.dump' -mtime +"$KEEP" -delete
echo "backup written: $file ($(du -h "$file" | cut -f1))"
