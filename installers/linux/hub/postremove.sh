#!/bin/sh
# presence-hub: after removal. deb postrm: "remove" keeps configuration, data and the user; "purge"
# deletes them (the secrets file, the database in /var/lib/presence-hub, the presence-hub user).
# rpm %postun (0 = erase, 1 = upgrade) never deletes data: rpm has no purge.
set -e

case "$1" in
  purge)
    rm -f /etc/presence-hub/hub.env /etc/presence-hub/hub.env.new
    rm -rf /var/lib/presence-hub
    if getent passwd presence-hub >/dev/null; then
      userdel presence-hub || true
    fi
    if getent group presence-hub >/dev/null; then
      groupdel presence-hub || true
    fi
    rmdir /etc/presence-hub 2>/dev/null || true
    ;;
  remove|0) ;;
  *) exit 0 ;;
esac

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
exit 0
