#!/usr/bin/env bash
# Install the servers the tests start (PostgreSQL, Redis, Chromium, Caddy, gettext) when they are missing.
# The tests start their own throwaway instances on free ports; nothing here starts a service.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v caddy >/dev/null || missing+=(caddy)  # the TLS proxy of the production smoke test

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing missing test services: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
