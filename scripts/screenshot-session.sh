#!/usr/bin/env bash
# The part of scripts/screenshot that runs inside Xvfb and the D-Bus session; not meant to be run alone.
set -euo pipefail
W=1280
log=$WORK/tray.log

printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
gtk-sni-tray-standalone --watcher --top --end --size 40 >"$WORK/sni.log" 2>&1 & # the host first, then the item
sleep 2

wait_log() { # pattern, timeout in tenths of a second
  for _ in $(seq 1 "${2:-300}"); do grep -q "$1" "$log" 2>/dev/null && return 0; sleep 0.1; done
  echo "tray log never showed: $1" >&2; cat "$log" >&2; return 1
}
admin() { curl -fs -H "Authorization: Bearer $ADMIN_KEY" "$@" >/dev/null; }
win() { timeout 30 xdotool search --sync --onlyvisible --name "$1" | head -1 | grep . || { echo "no window named $1" >&2; cat "$log" >&2; exit 1; }; }

# 1. First run: the sign-in window.
"$WORK/presence-tray" --hub "$HUB" >"$log" 2>&1 &
tray=$!
sleep 3
import -window "$(win '^Sign in to Presence Hub$')" "$DOCS/tray-signin.png"
kill $tray; wait $tray 2>/dev/null || true

# 2. Sign in with the demo's pairing code, let some history happen, show the window.
: >"$log"
"$WORK/presence-tray" --hub "$HUB" --pairing-code "$CODE" --show >"$log" 2>&1 &
tray=$!
wait_log "first snapshot"
admin -X PUT "$HUB/v1/tenants/$TENANT/agents/$AGENT/presence" -d '{"status":"busy","reason":"covering the phones"}'
sleep 1
admin -X PUT "$HUB/v1/tenants/$TENANT/agents/$AGENT/presence" -d '{"status":"available","reason":"queue is quiet"}'
sleep 1
admin -X PUT "$HUB/v1/tenants/$TENANT/agents/$AGENT/presence" -d '{"status":"lunch"}'
sleep 2
import -window "$(win '^Presence Hub$')" "$DOCS/tray-window.png"

# 3. The tray menu: right-click the icon at the end of the bar, capture the top-right corner. The bar is
# black and the menu opens below the icon: keep the right of the screen and trim the black. A host that
# was still busy may miss the click, so try again until the capture shows a menu.
for attempt in 1 2 3 4 5; do
  xdotool mousemove $((W - 20)) 20 click 3
  sleep 2
  import -window root "$WORK/root.png"
  convert "$WORK/root.png" -crop 400x800+$((W - 400))+0 +repage -bordercolor black -border 1 -trim +repage \
    -bordercolor black -border 12 "$DOCS/tray-menu.png"
  [ "$(identify -format %h "$DOCS/tray-menu.png")" -gt 200 ] && break
  xdotool key Escape
  sleep 1
done
[ "$(identify -format %h "$DOCS/tray-menu.png")" -gt 200 ] || { echo "the tray menu never opened" >&2; exit 1; }
xdotool key Escape
kill $tray; wait $tray 2>/dev/null || true

[ "$PERF" = 1 ] || exit 0

# 4. Performance: later runs start signed in, quietly in the tray.
echo "== cold start to first snapshot (signed in, 5 starts)"
for i in 1 2 3 4 5; do
  : >"$log"
  t0=$(date +%s%N)
  "$WORK/presence-tray" >"$log" 2>&1 &
  tray=$!
  wait_log "first snapshot"
  t1=$(date +%s%N)
  echo "start $i: $(( (t1 - t0) / 1000000 )) ms wall (exec to snapshot line); tray says $(grep -o 'duration=[^ ]*' "$log" | head -1)"
  kill $tray; wait $tray 2>/dev/null || true
  sleep 1
done

echo "== idle (tray only, window closed)"
: >"$log"
"$WORK/presence-tray" >"$log" 2>&1 &
tray=$!
wait_log "first snapshot"
sleep 30
rss=$(awk '/VmRSS/{print $2}' /proc/$tray/status)
hwm=$(awk '/VmHWM/{print $2}' /proc/$tray/status)
ticks() { awk '{print $14 + $15}' /proc/$tray/stat; }
c0=$(ticks); sleep 60; c1=$(ticks)
hz=$(getconf CLK_TCK)
mesa=$(awk '/^[0-9a-f]/{lib=($6 ~ /libLLVM|_dri\.so|libgallium/)} /^Rss:/{if(lib) s+=$2} END{print int(s/1024)}' /proc/$tray/smaps)
echo "idle RSS: $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB), of which $mesa MiB is Mesa's software OpenGL (libLLVM, swrast)"
echo "idle CPU over 60 s: $((c1 - c0)) ticks of 1/$hz s = $(awk -v d=$((c1 - c0)) -v hz="$hz" 'BEGIN{printf "%.2f", d / hz / 60 * 100}') %"
kill $tray; wait $tray 2>/dev/null || true

echo "== baseline: a Fyne app with a one-item tray menu and nothing else"
"$WORK/fyne-tray-baseline" >/dev/null 2>&1 &
base=$!
sleep 30
rss=$(awk '/VmRSS/{print $2}' /proc/$base/status)
b0=$(awk '{print $14 + $15}' /proc/$base/stat); sleep 60; b1=$(awk '{print $14 + $15}' /proc/$base/stat)
echo "baseline fyne tray: RSS $((rss / 1024)) MiB, CPU $((b1 - b0)) ticks/60s = $(awk -v d=$((b1 - b0)) -v hz="$hz" 'BEGIN{printf "%.2f", d / hz / 60 * 100}') %"
kill $base; wait $base 2>/dev/null || true
