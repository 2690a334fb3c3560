#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty uploads folder.
#   DATABASE_URL=postgres://…/srp_restored MEDIA_ROOT=/srv/srp/media-restored scripts/restore.sh BACKUP_DIR
# Checks the files' SHA-256 against the manifest first. Refuses a database that already has
# tables, or an uploads folder that is not empty: restoring never overwrites live data. Create
# the database beforehand (createdb -O srp srp_restored); then run `manage.py migrate` (it should
# have nothing to do when the code is the backup's version, see manifest.txt) and start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
backup=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?set DATABASE_URL of the empty database to restore into}"
: "${MEDIA_ROOT:?set MEDIA_ROOT, the empty uploads folder to restore into}"
for f in database.dump media.tar manifest.txt; do
  [ -f "$backup/$f" ] || { echo "$backup/$f is missing" >&2; exit 2; }
done
(cd "$backup" && sed -n 's/^  \([0-9a-f]\{64\}  .*\)$/\1/p' manifest.txt | sha256sum --check --quiet) \
  || { echo "checksums do not match manifest.txt: the backup is damaged" >&2; exit 3; }

tables=$(psql "$DATABASE_URL" -XAtc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "the target database has $tables tables: restore only into an empty database" >&2; exit 4
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "$MEDIA_ROOT is not empty: restore only into an empty folder" >&2; exit 4
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --file="$backup/media.tar" --directory="$MEDIA_ROOT" --no-same-owner
echo "restored $backup into the database and $MEDIA_ROOT"
