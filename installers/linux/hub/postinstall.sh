#!/bin/sh
# presence-hub: after unpacking. deb postinst: "configure" (with the previous version on upgrade);
# rpm %post: 1 = install, 2 = upgrade. Creates the service user, the data dir and the secrets file.
set -e

case "$1" in
  configure) upgrade=${2:+yes} ;;
  1) upgrade= ;;
  2) upgrade=yes ;;
  *) exit 0 ;;
esac

if ! getent group presence-hub >/dev/null; then
  groupadd --system presence-hub
fi
if ! getent passwd presence-hub >/dev/null; then
  useradd --system --gid presence-hub --home-dir /var/lib/presence-hub --no-create-home \
    --shell /usr/sbin/nologin --comment "Presence Hub" presence-hub
fi
install -d -m 0750 -o presence-hub -g presence-hub /var/lib/presence-hub

# Secrets for the unit's EnvironmentFile: created once, 0600 root, never replaced by an upgrade.
env=/etc/presence-hub/hub.env
if [ ! -e "$env" ]; then
  if [ -e /var/lib/presence-hub/seal.key ]; then
    seal="# The data dir's seal.key is in use; to move it here: PRESENCE_HUB_SEAL_KEY=<its 64 hex characters>"
  else
    seal="PRESENCE_HUB_SEAL_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
  fi
  umask 077
  cat >"$env.new" <<EOT
# Secrets of presence-hub.service (its EnvironmentFile): mode 0600, owned by root, read by systemd
# before the hub drops to the presence-hub user. Kept on upgrade and on remove; deleted on purge.
# Back this file up: without the seal key the vendor credentials in the database cannot be opened.

# AES-256-GCM key sealing vendor credentials (64 hex characters), generated at installation.
# Rotate with the hub stopped: presence-hub rotate-seal-key (see docs/deploy.md).
$seal

# First hub-wide admin key, created on the first start when none exists (at least 20 characters).
# Unset: the hub generates one and prints it once (journalctl -u presence-hub).
#PRESENCE_HUB_BOOTSTRAP_KEY=

# PostgreSQL instead of SQLite (database.driver: postgres in hub.yaml):
#PRESENCE_HUB_DB_DSN=postgres://presencehub:PASSWORD@db.internal:5432/presencehub?sslmode=verify-full
EOT
  chown root:root "$env.new"
  chmod 0600 "$env.new"
  mv "$env.new" "$env"
fi

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
  if [ -n "$upgrade" ]; then
    systemctl try-restart presence-hub.service || true
  fi
fi
exit 0
