#!/usr/bin/env bash
# Extract the translatable strings of one part of srp into its own catalogue and compile it:
#   scripts/app-messages.sh complaints   -> complaints/locale/es/LC_MESSAGES/django.po
#   scripts/app-messages.sh srp          -> locale/es/LC_MESSAGES/django.po (srp/ and the shared templates)
# Each app keeps its own catalogue (Django merges them), so apps never edit one shared file.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
app=${1:?usage: scripts/app-messages.sh APP [LANG]}
lang=${2:-es}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$app" = srp ]; then
  ln -s "$root/srp" "$work/srp"
  mkdir -p "$work/templates"
  for f in "$root"/templates/*.html "$root"/templates/srp "$root"/templates/registration "$root"/templates/account "$root"/templates/includes; do
    [ -e "$f" ] && ln -s "$f" "$work/templates/$(basename "$f")"
  done
  mkdir -p "$root/locale"
  ln -s "$root/locale" "$work/locale"
  target="$root/locale"
else
  ln -s "$root/$app" "$work/$app"
  [ -d "$root/templates/$app" ] && { mkdir -p "$work/templates"; ln -s "$root/templates/$app" "$work/templates/$app"; }
  mkdir -p "$root/$app/locale"
  ln -s "$root/$app/locale" "$work/locale"
  target="$root/$app/locale"
fi
cd "$work"
env -u DJANGO_SETTINGS_MODULE "$root/.venv/bin/django-admin" makemessages -l "$lang" --symlinks \
  --no-obsolete --ignore="$app/locale/*" --ignore="*/migrations/*" -e html,txt,py >/dev/null
msgfmt --check-format -o "$target/$lang/LC_MESSAGES/django.mo" "$target/$lang/LC_MESSAGES/django.po"
echo "updated $target/$lang/LC_MESSAGES/django.po"
