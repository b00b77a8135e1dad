// Presence Hub console: the live supervisor board. Opens the hub's stream (/v1/stream) with the
// token the page carries, offered as the subprotocol "presencehub.token.<token>" next to
// "presencehub.v1" (a browser cannot set an Authorization header on a websocket), subscribes to the
// team, and keeps each card's status and time in status current. No build step, no dependencies.
"use strict";
(() => {
  const board = document.getElementById("board");
  if (!board) return;
  const live = document.getElementById("board-live");
  const cards = new Map();
  for (const el of board.querySelectorAll("[data-agent]")) cards.set(el.dataset.agent, el);
  const fName = document.getElementById("f-name");
  const fStatus = document.getElementById("f-status");
  const fKind = document.getElementById("f-kind");

  const shown = (el) =>
    (!fName.value || el.dataset.name.includes(fName.value.trim().toLowerCase())) &&
    (!fStatus.value || el.dataset.status === fStatus.value) &&
    (!fKind.value || el.dataset.kind === fKind.value);
  const filter = (el) => { el.hidden = !shown(el); };
  const filterAll = () => cards.forEach(filter);
  for (const f of [fName, fStatus, fKind]) f.addEventListener("input", filterAll);
  document.getElementById("board-filters").addEventListener("submit", (e) => e.preventDefault());

  const since = (el) => {
    const t = Date.parse(el.dataset.since || "");
    if (Number.isNaN(t)) return "";
    let s = Math.max(0, Math.floor((Date.now() - t) / 1000));
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
    return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
  };
  let ws = null;
  const tick = () => {
    if (!document.contains(board)) { // htmx swapped another page in: stop
      clearInterval(timer);
      if (ws) { ws.onclose = null; ws.close(); }
      return;
    }
    cards.forEach((el) => { el.querySelector(".b-since").textContent = since(el); });
  };
  const timer = setInterval(tick, 1000);

  const apply = (p) => {
    const el = p && cards.get(p.agentId);
    if (!el) return;
    const v = Number(p.version || 0);
    if (v < Number(el.dataset.version || 0)) return; // an older event than the one shown
    el.dataset.version = String(v);
    el.dataset.status = p.status || "";
    el.dataset.kind = p.kind || "";
    el.dataset.since = p.updateTime || "";
    el.className = "b-card kind-" + (p.kind || "none");
    el.querySelector(".b-status").textContent = p.status || "—";
    el.querySelector(".b-since").textContent = since(el);
    filter(el);
  };

  let delay = 500;
  const connect = () => {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
      "/v1/stream?tenant=" + encodeURIComponent(board.dataset.tenant);
    if (!document.contains(board)) return;
    ws = new WebSocket(url, ["presencehub.v1", "presencehub.token." + board.dataset.token]);
    ws.onopen = () => {
      ws.send(JSON.stringify({ subscribeTeam: { requestId: "board", teamId: board.dataset.team } }));
    };
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.teamSnapshot) {
        (m.teamSnapshot.presences || []).forEach(apply);
        delay = 500;
        board.dataset.live = "true";
        live.textContent = "Live: changes show as they happen.";
      } else if (m.event) {
        apply(m.event.presence);
      } else if (m.batch) {
        (m.batch.events || []).forEach((ev) => apply(ev.presence));
      } else if (m.error) {
        live.textContent = "The hub refused the board: " + (m.error.reason || m.error.code);
      }
    };
    ws.onclose = () => {
      board.dataset.live = "false";
      live.textContent = "Reconnecting to the hub's stream…";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  };
  connect();
})();
