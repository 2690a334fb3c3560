#!/usr/bin/env bash
# Back up srp: the PostgreSQL database (pg_dump, custom format) and the uploads folder.
#   scripts/backup.sh DEST_DIR          writes DEST_DIR/srp-YYYYmmddTHHMMSSZ/ and prints its path
# Reads DATABASE_URL and MEDIA_ROOT from the environment (or .env, like the app). The backup holds
#   database.dump   pg_dump --format=custom (restore with scripts/restore.sh)
#   media.tar       the uploads folder (complaint attachments, signed agreements, evidence …)
#   manifest.txt    when, from which code version, the applied migrations, SHA-256 of both files
# Uploads kept in an S3-compatible bucket (DEFAULT_FILE_STORAGE_BACKEND=…S3Storage) are not in
# media.tar: back the bucket up with its own versioning or `aws s3 sync` (see README).
# The dump is consistent on its own (one snapshot); take it first, then the files: a file added
# meanwhile is harmless, and an upload is never removed (no hard deletes).
# Backups hold every complaint and student record: keep them encrypted and access-controlled.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: scripts/backup.sh DEST_DIR}
if [ -f .env ]; then set -a; . ./.env; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL (postgres://…) of the database to back up}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *)
  echo "backup.sh backs up PostgreSQL; DATABASE_URL is not postgres://…" >&2; exit 2 ;; esac
media=${MEDIA_ROOT:-$PWD/media}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$dest/srp-$stamp"
umask 077
mkdir -p "$out"

pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar --create --file="$out/media.tar" --directory="$media" .
else
  echo "note: no uploads folder at $media; media.tar is empty" >&2
  tar --create --file="$out/media.tar" --files-from=/dev/null
fi
{
  echo "srp backup $stamp"
  echo "code $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "migrations $(psql "$DATABASE_URL" -XAtc 'SELECT app || '"'"'.'"'"' || name FROM django_migrations ORDER BY app, name' | sha256sum | cut -c1-16)"
  echo "last-migrations"
  psql "$DATABASE_URL" -XAtc "SELECT DISTINCT ON (app) app || ' ' || name FROM django_migrations ORDER BY app, id DESC" | sed 's/^/  /'
  echo "sha256"
  (cd "$out" && sha256sum database.dump media.tar | sed 's/^/  /')
} > "$out/manifest.txt"
echo "$out"
