#!/bin/sh
# presence-tray: after removal. deb postrm "purge" deletes the policy file the package created (or IT
# wrote); "remove", and rpm (no purge), keep it.
set -e

if [ "$1" = purge ]; then
  rm -f /etc/presence-hub/tray.json
  rmdir /etc/presence-hub 2>/dev/null || true
fi
exit 0
