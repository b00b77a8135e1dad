#!/bin/sh
# presence-hub: before removal. deb prerm: "remove" (not "upgrade"); rpm %preun: 0 = erase, 1 = upgrade.
# Stops the service and removes its enablement links, so no unit is left behind.
set -e

case "$1" in
  remove|0) ;;
  *) exit 0 ;;
esac

if command -v systemctl >/dev/null; then
  if [ -d /run/systemd/system ]; then
    systemctl stop presence-hub.service || true
  fi
  systemctl --no-reload disable presence-hub.service >/dev/null 2>&1 || true
fi
exit 0
