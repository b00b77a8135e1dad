#!/bin/sh
# presence-tray: after unpacking (deb postinst "configure"; rpm %post 1 = install, 2 = upgrade).
# Creates the IT policy file /etc/presence-hub/tray.json, empty, only when there is none: IT may write
# it before or after installing (configuration management), and no upgrade ever touches or asks about
# it (a conffile would make dpkg prompt when the file was there first).
set -e

case "$1" in
  configure | 1 | 2) ;;
  *) exit 0 ;;
esac

if [ ! -e /etc/presence-hub/tray.json ]; then
  install -d -m 0755 /etc/presence-hub
  install -m 0644 /usr/share/presence-tray/tray.json /etc/presence-hub/tray.json
fi
exit 0
