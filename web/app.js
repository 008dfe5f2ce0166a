// The script of the page (web/index.html), served at /app.js. Camera frames, or a photo, go to
// /api/analyze; the settled mood to /api/recommend; likes and skips to /api/feedback; the chart
// comes from /api/history. What the page must know of the server's data (the emotions, each one's
// default mode and target, the settings' defaults and bounds) comes from /api/config at start.

// 320 px wide frames are enough for faces at webcam distance; 10 frames a second at most keeps
// the tracker fed without keeping a core busy (the server answers a frame in about 7 ms).
const ANALYSE_WIDTH = 320, MIN_INTERVAL_MS = 100;
// Photos are sent at most this wide: enough for the faces in them, and far under the upload limit.
const PHOTO_WIDTH = 1280;
const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;
const SVG = "http://www.w3.org/2000/svg";
// The server takes writes only with this start's token, which only its page carries.
const TOKEN = document.querySelector('meta[name="emomusic-token"]')?.content ?? "";

// Everything that changes while the page is open.
const state = {
  config: null,          // GET /api/config
  colors: {},            // emotion → its colour in style.css
  session: newId(),      // the camera's session on the server; a new one for each "New mood"
  mood: null,            // the settled mood {emotion, confidence}; null until one settles
  faceCount: 0,          // faces in the latest result
  playlistSeq: 0,        // the latest playlist request: answers to older ones are dropped
  spotifyLogin: false,   // the server can save playlists in the user's Spotify account
  playing: null,         // the card whose track the player shows (it may have left the list)
  paused: false,         // the camera is paused: no frames are sent
  frameTimes: [],        // when each frame of the last 3 s was answered, for the rate shown
  live: { faces: [], w: 1, h: 1 },  // the latest camera result, redrawn on resize
  photo: null,           // the uploaded photo's {faces, w, h}
  history: null,         // the latest GET /api/history answer, redrawn on resize
  resizeTimer: 0,
};

// ---------- helpers ----------
function $(id) { return document.getElementById(id); }
// Status regions are read out when they change: write them only when the text really changes.
function say(id, text) { const n = $(id); if (n.textContent !== text) n.textContent = text; }
function newId() {
  return crypto.randomUUID ? crypto.randomUUID().replace(/-/g, "")
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
const colorOf = (e) => state.colors[e] || state.colors.neutral;
const pct = (x) => (typeof x === "number" && isFinite(x) ? Math.round(x * 100) + "%" : "–");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const toJpeg = (canvas, q) => new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", q));
const largest = (faces) => faces.reduce((best, f) =>
  (!best || f.box[2] * f.box[3] > best.box[2] * best.box[3] ? f : best), null);
const sumCounts = (c) => Object.values(c || {}).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
const facesText = (n) => n + (n === 1 ? " face" : " faces");

function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "class") n.className = v;
    else if (k === "style") n.style.cssText = v;
    else if (k === "text") n.textContent = v;
    else n.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c != null) n.append(c);
  return n;
}
function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
  if (text != null) n.textContent = text;
  return n;
}

// One request to the server: `body` is sent as JSON, or as itself when it is a Blob (an image).
// Resolves to the answer's JSON; rejects with the server's error message.
async function api(method, path, body) {
  const options = { method, cache: "no-store", headers: {} };
  if (method !== "GET") options.headers["X-Emomusic-Token"] = TOKEN;
  if (body instanceof Blob) {
    options.headers["Content-Type"] = body.type;
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const res = await fetch(path, options);
  let answer = null;
  try { answer = await res.json(); } catch (_) { /* not JSON */ }
  if (!res.ok) {
    const err = new Error(answer && answer.error ? answer.error : res.status + " " + res.statusText);
    err.status = res.status;
    throw err;
  }
  return answer;
}

// On a phone (a server beyond loopback) the address carries the access secret (#k=…): it leaves
// the address bar and the history first, so it is neither kept nor shown, and is then
// exchanged once for the session cookie.
async function signIn() {
  const secret = new URLSearchParams(location.hash.slice(1)).get("k");
  if (secret === null) return;
  history.replaceState(null, "", location.pathname + location.search);
  await api("POST", "/api/session", { secret });
}

// ---------- the server's settings ----------
function applyConfig(config) {
  state.config = config;
  const rootStyle = getComputedStyle(document.documentElement);
  for (const e of config.emotions) state.colors[e] = rootStyle.getPropertyValue("--" + e).trim() || "#888";
  const limit = config.playlist.limit;
  Object.assign($("limit"), { min: limit.min, max: limit.max, value: limit.default });
  $("history-days-before").textContent = String(config.history.days.default - 1);
  renderEmotionKeys();
}

// `why`: the server's refusal (a wrong access secret, no session cookie), when it answered.
function renderServerStatus(health, why) {
  const pill = $("server-status");
  if (!health) {
    pill.dataset.state = "down";
    $("server-status-text").textContent = why || "Server not reachable";
    return;
  }
  pill.dataset.state = "ok";
  $("server-status-text").textContent = "emomusic " + (health.version || "") + " · " +
    (health.spotify_login ? "Spotify signed in" : "offline catalog");
  $("version").textContent = health.version || "";
  if (health.history_kept === false) {
    say("privacy-kept", "this server keeps no history: your moods, likes and skips last until it stops.");
  }
  $("spotify-hint").hidden = !health.spotify || state.spotifyLogin;
}

async function loadHealth() {
  try {
    const health = await api("GET", "/api/health");
    state.spotifyLogin = !!health.spotify_login;
    renderServerStatus(health);
    renderSaveButton();
  } catch (err) {
    renderServerStatus(null, err.status ? err.message : null);
  }
}

// ---------- the face and its probabilities ----------
// The legend under the chart and one probability bar per emotion, in the server's order.
function renderEmotionKeys() {
  for (const e of state.config.emotions) {
    $("legend").append(el("li", {}, el("span", { class: "swatch", style: "--c:" + colorOf(e), "aria-hidden": "true" }), e));
    $("prob-bars").append(el("li", { "data-emotion": e },
      el("span", { class: "name" }, el("span", { class: "swatch", style: "--c:" + colorOf(e), "aria-hidden": "true" }), e),
      el("span", { class: "track", "aria-hidden": "true" }, el("span", { class: "fill", style: "--c:" + colorOf(e) })),
      el("span", { class: "pct", text: "–" })));
  }
}

function renderFace(face) {
  const emo = $("face-emotion");
  if (!face) {
    emo.textContent = "—"; emo.dataset.emotion = "";
    $("face-detail").textContent = "No face in view";
    $("face-swatch").style.setProperty("--c", "var(--line)");
    for (const li of $("prob-bars").children) {
      li.classList.remove("top"); li.querySelector(".fill").style.width = "0";
      li.querySelector(".pct").textContent = "–";
    }
    return;
  }
  emo.textContent = face.emotion; emo.dataset.emotion = face.emotion;
  $("face-detail").textContent = pct(face.confidence) + " sure" +
    (state.faceCount > 1 ? " · largest of " + state.faceCount + " faces" : "");
  $("face-swatch").style.setProperty("--c", colorOf(face.emotion));
  const probs = face.probabilities || {};
  for (const li of $("prob-bars").children) {
    const e = li.dataset.emotion, p = typeof probs[e] === "number" ? probs[e] : (e === face.emotion ? face.confidence : 0);
    li.classList.toggle("top", e === face.emotion);
    li.querySelector(".fill").style.width = Math.max(0, Math.min(1, p)) * 100 + "%";
    li.querySelector(".pct").textContent = pct(p);
  }
}

// Draws the faces' boxes (in the sent image's pixels, srcW×srcH) onto `canvas`, which covers an
// element showing that image with object-fit: contain; `mirror` for the mirrored live video.
function drawFaces(canvas, faces, srcW, srcH, mirror) {
  const rect = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(rect.width * dpr));
  canvas.height = Math.max(1, Math.round(rect.height * dpr));
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, rect.width, rect.height);
  if (!faces || !faces.length || !srcW || !srcH) return;
  const s = Math.min(rect.width / srcW, rect.height / srcH);
  const ox = (rect.width - srcW * s) / 2, oy = (rect.height - srcH * s) / 2;
  const big = largest(faces);
  for (const f of faces) {
    let [x, y, w, h] = f.box;
    if (mirror) x = srcW - x - w;
    const X = ox + x * s, Y = oy + y * s, W = w * s, H = h * s, c = colorOf(f.emotion);
    ctx.lineWidth = f === big ? 3 : 2;
    ctx.strokeStyle = c;
    ctx.strokeRect(X, Y, W, H);
    const label = f.emotion + " " + pct(f.confidence);
    ctx.font = "600 14px system-ui, sans-serif";
    const tw = ctx.measureText(label).width + 10, th = 20;
    const ly = Y - th >= 0 ? Y - th : Y;
    ctx.fillStyle = c;
    ctx.fillRect(X - (f === big ? 1.5 : 1), ly, tw, th);
    ctx.fillStyle = f.emotion === "happy" ? "#1c2024" : "#ffffff";
    ctx.fillText(label, X + 4, ly + 15);
  }
}
const drawLive = () => drawFaces($("overlay"), state.live.faces, state.live.w, state.live.h, true);
const drawPhoto = () => { if (state.photo) drawFaces($("photo-overlay"), state.photo.faces, state.photo.w, state.photo.h, false); };

// ---------- analysis results → mood ----------
// Shows the largest face of an /api/analyze answer and settles the mood when the server says it
// settled (a photo settles on its largest face). Returns the faces.
function handleResult(result, fromPhoto) {
  const faces = Array.isArray(result && result.faces) ? result.faces.filter((f) => Array.isArray(f.box) && f.box.length === 4) : [];
  state.faceCount = faces.length;
  const big = largest(faces);
  renderFace(big);
  if (state.mood) return faces;
  let settled = result && result.settled;
  if (!settled && fromPhoto && big) settled = { emotion: big.emotion, confidence: big.confidence };
  if (settled && settled.emotion && state.config.emotions.includes(settled.emotion)) {
    setMood({ emotion: settled.emotion, confidence: settled.confidence });
  } else if (!fromPhoto) {
    say("settle-state", big ? "Reading your expression… hold still for a moment."
      : "No face in view. Face the camera in good light.");
  }
  return faces;
}

function setMood(mood) {
  state.mood = mood;
  renderMood();
  const { mode, target } = state.config.defaults[mood.emotion];
  $("mode").value = mode; $("target").value = target; $("target").disabled = mode !== "lift";
  loadPlaylist();
  loadHistory(); // the server recorded the settled mood before it answered
}

function resetMood() {
  state.mood = null; state.session = newId();
  state.playlistSeq++;
  renderMood();
  renderPlaylist(null);
}

function renderMood() {
  const mood = state.mood, b = $("mood-settled");
  b.hidden = !mood; b.dataset.emotion = mood ? mood.emotion : "";
  $("new-mood").hidden = !mood; $("refresh-playlist").disabled = !mood;
  if (!mood) {
    $("settle-state").textContent = "Hold still for a moment; the playlist appears when your mood settles.";
    return;
  }
  b.style.setProperty("--c", colorOf(mood.emotion));
  b.replaceChildren(el("span", { class: "swatch", style: "--c:" + colorOf(mood.emotion), "aria-hidden": "true" }), "for " + mood.emotion);
  $("settle-state").textContent = "Your mood settled: " + mood.emotion + " (" + pct(mood.confidence) + "). Press “New mood” to read it again.";
}

// ---------- playlist ----------
function playlistQuery() {
  const q = new URLSearchParams();
  q.set("emotion", state.mood.emotion);
  const mode = $("mode").value;
  q.set("mode", mode);
  if (mode === "lift") q.set("target", $("target").value);
  const limit = state.config.playlist.limit;
  q.set("limit", String(Math.max(limit.min, Math.min(limit.max, parseInt($("limit").value, 10) || limit.default))));
  for (const [id, name] of [["genre", "genre"], ["language", "language"], ["artist", "artist"], ["years", "years"]]) {
    const v = $(id).value.trim();
    if (v) q.set(name, id === "years" ? v.replace(/\s+/g, "") : v);
  }
  if ($("no-explicit").checked) q.set("no_explicit", "1");
  return q;
}

async function loadPlaylist() {
  if (!state.mood) return;
  const seq = ++state.playlistSeq;
  const list = $("playlist");
  list.dataset.state = "loading"; list.setAttribute("aria-busy", "true");
  $("playlist-state").textContent = "Finding music for " + state.mood.emotion + "…";
  try {
    const tracks = await api("GET", "/api/recommend?" + playlistQuery().toString());
    if (seq !== state.playlistSeq) return;
    renderPlaylist(Array.isArray(tracks) ? tracks : []);
  } catch (err) {
    if (seq !== state.playlistSeq) return;
    list.replaceChildren(); list.dataset.state = "error";
    $("playlist-state").textContent = "No playlist: " + err.message;
  } finally {
    if (seq === state.playlistSeq) list.removeAttribute("aria-busy");
  }
}

// `tracks` for the settled mood, or null: no mood, no playlist.
function renderPlaylist(tracks) {
  const list = $("playlist");
  list.replaceChildren();
  if (!tracks) {
    list.dataset.state = "empty";
    reattachPlayer();
    renderSaveButton();
    $("playlist-state").textContent = "Waiting for your mood to settle…";
    return;
  }
  const emotion = state.mood.emotion;
  for (const t of tracks) list.append(trackItem(t, emotion));
  reattachPlayer();
  list.dataset.state = tracks.length ? "ready" : "empty";
  list.dataset.emotion = emotion;
  renderSaveButton();
  $("playlist-state").textContent = tracks.length
    ? tracks.length + " tracks for " + emotion + ($("mode").value === "lift" ? ", lifting towards " + $("target").value : ", matching it") + "."
    : "No track fits these filters. Loosen them and press Update.";
}

// What each card on screen holds: the track, the emotion it was chosen for, and how to name it.
const cards = new WeakMap();  // li → { t, emotion, who }

function youtubeSearch(t) {
  const artists = Array.isArray(t.artists) ? t.artists : [];
  const query = (artists.join(" ") + " " + String(t.name || "")).trim();
  return "https://www.youtube.com/results?search_query=" + encodeURIComponent(query).replace(/%20/g, "+");
}

function trackItem(t, emotion) {
  const artists = Array.isArray(t.artists) ? t.artists : [];
  const title = String(t.name || "Untitled");
  const li = el("li", { class: "track", "data-track-id": t.id || "", style: "--c:" + colorOf(emotion) });
  li.append(el("div", { class: "title" }, el("span", { class: "rank", text: (t.rank != null ? t.rank + "." : "") }), title));
  const meta = [artists.join(", ") || "unknown artist"];
  if (t.album) meta.push(t.album);
  if (t.year) meta.push(String(t.year));
  if (t.genre) meta.push(String(t.genre).replace(/;/g, ", "));
  if (t.language) meta.push(String(t.language));
  li.append(el("div", { class: "meta", text: meta.join(" · ") }));
  if (t.why && typeof t.why === "object") {
    const parts = [];
    // A track without a distance came from Spotify's search; its target says which.
    if (t.why.target) parts.push((typeof t.why.distance === "number" ? "target " : "") + t.why.target);
    if (typeof t.why.distance === "number") parts.push("distance " + t.why.distance.toFixed(3));
    if (t.why.steps > 1 && t.why.step) parts.push("stage " + t.why.step + " of " + t.why.steps);
    li.append(el("div", { class: "why", text: "Why: " + parts.join(" · ") }));
  }
  const actions = el("div", { class: "actions" });
  const who = title + " by " + (artists.join(", ") || "unknown artist");
  cards.set(li, { t, emotion, who });
  if (SPOTIFY_ID.test(t.id || "")) {
    const play = el("button", { type: "button", class: "play-btn", "aria-label": "Play " + who + " here" }, "▶ Play");
    play.addEventListener("click", () => playCard(li));
    actions.append(play);
  }
  if (t.url && /^https:\/\//.test(t.url)) {
    actions.append(el("a", { class: "button spotify-link", href: t.url, target: "_blank", rel: "noopener noreferrer",
      "aria-label": "Open " + who + " in Spotify" }, "Spotify"));
  }
  actions.append(el("a", { class: "button youtube-link", target: "_blank", rel: "noopener noreferrer",
    href: youtubeSearch(t), "aria-label": "Search YouTube for " + who }, "YouTube"));
  const like = el("button", { type: "button", class: "like-btn", "aria-pressed": "false", "aria-label": "Like " + who }, "♥ Like");
  const skip = el("button", { type: "button", class: "skip-btn", "aria-label": "Skip " + who + " (never suggest it for this mood)" }, "✕ Skip");
  like.disabled = skip.disabled = !t.id;
  like.addEventListener("click", () => likeCard(li));
  skip.addEventListener("click", () => skipCard(li));
  actions.append(like, skip);
  li.append(actions);
  return li;
}

// A like from the card or the player: sent once, then shown on both.
async function likeCard(li) {
  const card = cards.get(li), like = li.querySelector(".like-btn");
  if (!card || like.disabled) return;
  like.disabled = true;
  renderPlayer();
  try {
    await sendFeedback(card.t, card.emotion, "like");
    like.setAttribute("aria-pressed", "true"); like.textContent = "♥ Liked";
    $("playlist-state").textContent = "Liked " + card.who + ".";
  } catch (err) { like.disabled = false; $("playlist-state").textContent = "Could not save the like: " + err.message; }
  renderPlayer();
}

// A skip from the card or the player removes the card; the player, if it was on that track, moves
// to the next one (the previous one at the end of the list).
async function skipCard(li) {
  const card = cards.get(li), skip = li.querySelector(".skip-btn");
  if (!card || skip.disabled) return;
  skip.disabled = true;
  try {
    await sendFeedback(card.t, card.emotion, "skip");
    const next = li.nextElementSibling || li.previousElementSibling;
    const wasPlaying = state.playing === li;
    li.remove();
    $("playlist-state").textContent = "Skipped " + card.who + "; it will not be suggested for " + card.emotion + " again.";
    if (!$("playlist").children.length) $("playlist").dataset.state = "empty";
    renderSaveButton();
    if (wasPlaying) {
      if (next) playCard(next); else closePlayer();
    } else {
      renderPlayer();
      const focusable = next && next.querySelector(".skip-btn");
      if (focusable) focusable.focus();
    }
  } catch (err) { skip.disabled = false; $("playlist-state").textContent = "Could not save the skip: " + err.message; }
}

function sendFeedback(t, emotion, kind) {
  return api("POST", "/api/feedback",
    { track_id: t.id, artists: Array.isArray(t.artists) ? t.artists : [], emotion, kind });
}

// ---------- Save to Spotify (shown when the server has Spotify and the user logged in) ----------
const savableIds = () => Array.from($("playlist").children, (li) => li.dataset.trackId || "")
  .filter((id) => SPOTIFY_ID.test(id));

function renderSaveButton() {
  $("spotify-save").hidden = !state.spotifyLogin;
  $("save-spotify").disabled = !state.mood || savableIds().length === 0;
  say("save-state", "");
}

async function saveToSpotify() {
  const ids = savableIds();
  if (!state.mood || !ids.length) return;
  const name = "emomusic · " + state.mood.emotion + " · " + new Date().toISOString().slice(0, 10);
  const button = $("save-spotify");
  button.disabled = true;
  say("save-state", "Saving " + ids.length + " tracks…");
  try {
    const saved = await api("POST", "/api/spotify/playlist", { name, track_ids: ids, emotion: state.mood.emotion });
    const status = $("save-state");
    status.replaceChildren("Saved " + saved.tracks_added + " tracks as ");
    if (/^https:\/\//.test(saved.url || "")) {
      status.append(el("a", { href: saved.url, target: "_blank", rel: "noopener noreferrer", id: "saved-link" }, name));
    } else {
      status.append(name);
    }
    status.append(".");
  } catch (err) {
    say("save-state", "Could not save the playlist: " + err.message);
  } finally {
    button.disabled = !state.mood || savableIds().length === 0;
  }
}

// ---------- the player: Spotify's embed for the chosen track ----------
// The embed is made only when the user presses a card's Play, so the page asks nothing of Spotify
// before that. Its frame gets no "autoplay" permission: a track plays when the user presses play
// in it, never on its own. Each track gets a new frame rather than a new src, so the browser's
// Back button is not filled with the player's tracks. Spotify's own embed code has no sandbox
// (its player needs scripts, storage and popups); the page's CSP lets frames come from
// EMBED_ORIGIN alone.
const EMBED_ORIGIN = "https://open.spotify.com";

function playCard(li) {
  const card = cards.get(li);
  if (!card) return;
  markPlaying(li);
  const id = card.t.id || "";
  if (SPOTIFY_ID.test(id)) {
    $("player-frame").replaceChildren(el("iframe", { id: "player-embed", src: EMBED_ORIGIN + "/embed/track/" + id,
      title: "Spotify player: " + card.who, allow: "encrypted-media; clipboard-write; fullscreen; picture-in-picture",
      referrerpolicy: "no-referrer" }));
  } else {
    $("player-frame").replaceChildren(el("p", { class: "player-offline" }, "Not on Spotify: ",
      el("a", { href: youtubeSearch(card.t), target: "_blank", rel: "noopener noreferrer" }, "search YouTube"), "."));
  }
  $("player").hidden = false;
  renderPlayer();
}

function markPlaying(li) {
  if (state.playing) { state.playing.classList.remove("playing"); state.playing.removeAttribute("aria-current"); }
  state.playing = li;
  if (li) { li.classList.add("playing"); li.setAttribute("aria-current", "true"); }
}

// The player's buttons follow its card: where it stands in the list, and its like and skip.
function renderPlayer() {
  const li = state.playing;
  if (!li) return;
  const list = Array.from($("playlist").children);
  const i = list.indexOf(li);  // -1 once a new playlist replaced the one it came from
  say("player-title", cards.get(li).who);
  $("player-prev").disabled = i <= 0;
  $("player-next").disabled = !list.length || i === list.length - 1;
  const like = li.querySelector(".like-btn"), skip = li.querySelector(".skip-btn");
  $("player-like").disabled = i < 0 || like.disabled;
  $("player-like").setAttribute("aria-pressed", like.getAttribute("aria-pressed"));
  say("player-like", like.textContent);
  $("player-skip").disabled = i < 0 || skip.disabled;
}

// Previous or next in the list; from a track of an older playlist, next is the new list's first.
function stepPlayer(delta) {
  const list = Array.from($("playlist").children);
  const i = list.indexOf(state.playing);
  const to = i < 0 ? (delta > 0 ? list[0] : null) : list[i + delta];
  if (to) playCard(to);
}

function closePlayer() {
  markPlaying(null);
  $("player-frame").replaceChildren();  // removing the frame stops its music
  $("player").hidden = true;
}

// A new playlist keeps the track that plays; its card there, if it has one, becomes the player's.
function reattachPlayer() {
  if (!state.playing) return;
  const id = state.playing.dataset.trackId;
  const again = id && Array.from($("playlist").children).find((li) => li.dataset.trackId === id);
  if (again) markPlaying(again);
  renderPlayer();
}

// ---------- live camera ----------
function renderFps() {
  const now = performance.now(), times = state.frameTimes;
  while (times.length && now - times[0] > 3000) times.shift();
  const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
  const fps = span > 0 ? (times.length - 1) / Math.max(span, 1) : 0;
  $("fps").textContent = fps.toFixed(1); $("fps").dataset.fps = fps.toFixed(2);
}

async function analyseLoop() {
  const video = $("video"), grab = document.createElement("canvas");
  let failures = 0;
  for (;;) {
    if (state.paused || document.hidden || !video.videoWidth) { await sleep(200); continue; }
    const started = performance.now();
    const w = Math.min(ANALYSE_WIDTH, video.videoWidth);
    const h = Math.round(video.videoHeight * w / video.videoWidth);
    grab.width = w; grab.height = h;
    grab.getContext("2d").drawImage(video, 0, 0, w, h);
    const blob = await toJpeg(grab, 0.85);
    if (!blob) { await sleep(200); continue; }
    const asked = state.session;
    try {
      const result = await api("POST", "/api/analyze?session=" + encodeURIComponent(asked), blob);
      failures = 0;
      state.frameTimes.push(performance.now()); renderFps();
      // An answer for the session before "New mood" may show faces but must not settle the new one.
      const faces = handleResult(asked === state.session ? result : Object.assign({}, result, { settled: null }), false);
      state.live = { faces, w, h };
      drawLive();
      say("live-state", faces.length ? facesText(faces.length) : "No face in view");
    } catch (err) {
      failures++;
      say("live-state", "Analysis failed: " + err.message);
      await sleep(Math.min(5000, 500 * failures));
    }
    const elapsed = performance.now() - started;
    if (elapsed < MIN_INTERVAL_MS) await sleep(MIN_INTERVAL_MS - elapsed);
    renderFps();
  }
}

function renderNoCamera(err) {
  const name = err && err.name;
  let title = "No camera available.", text = "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    title = "Camera access was denied.";
    text = "Allow it in your browser's site settings and reload the page.";
  } else if (name === "NotFoundError" || name === "OverconstrainedError") {
    title = "No camera was found on this computer.";
  } else if (name === "NotReadableError") {
    title = "The camera is busy in another program.";
  } else if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    title = "This browser offers no camera here.";
    text = "(Cameras need http://localhost or https.)";
  } else if (err && err.message) {
    text = "(" + err.message + ")";
  }
  $("no-camera-title").textContent = title;
  $("no-camera-text").textContent = text;
  $("no-camera").hidden = false;
  $("live-stage").hidden = true;
  $("live-state").textContent = "Camera off";
  $("fps-box").hidden = true;
  document.body.dataset.camera = "none";
}

async function startCamera() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { renderNoCamera(null); return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false });
    const video = $("video");
    video.srcObject = stream;
    await video.play().catch(() => {});
    $("live-placeholder").hidden = true;
    $("pause-btn").hidden = false;
    $("live-state").textContent = "Looking for a face…";
    document.body.dataset.camera = "live";
    analyseLoop();
  } catch (err) { renderNoCamera(err); }
}

function togglePause() {
  state.paused = !state.paused;
  const button = $("pause-btn"), video = $("video");
  button.setAttribute("aria-pressed", String(state.paused));
  button.textContent = state.paused ? "Resume" : "Pause";
  if (state.paused) { video.pause(); $("live-state").textContent = "Paused: no frames are sent"; }
  else video.play().catch(() => {});
}

// ---------- photo upload ----------
async function analysePhoto() {
  const input = $("photo-input");
  const file = input.files && input.files[0];
  if (!file) return;
  const status = $("photo-state");
  status.textContent = "Analysing " + file.name + "…";
  try {
    const img = $("photo-img");
    await new Promise((resolve, reject) => {
      img.onload = resolve; img.onerror = () => reject(new Error("not an image this browser can read"));
      img.src = URL.createObjectURL(file);
    });
    // Re-encode as JPEG so the server always gets what it expects.
    const w = Math.min(PHOTO_WIDTH, img.naturalWidth), h = Math.round(img.naturalHeight * w / img.naturalWidth);
    const c = document.createElement("canvas"); c.width = w; c.height = h;
    c.getContext("2d").drawImage(img, 0, 0, w, h);
    const blob = await toJpeg(c, 0.9);
    $("photo-stage").hidden = false;
    if (document.body.dataset.camera === "live" && !state.paused) togglePause(); // the photo's result stays on view
    if (state.mood) resetMood();
    const result = await api("POST", "/api/analyze?session=" + encodeURIComponent("photo" + newId()), blob);
    const faces = handleResult(result, true);
    state.photo = { faces, w, h }; drawPhoto();
    status.textContent = faces.length ? facesText(faces.length) + " found in " + file.name + "."
      : "No face found in " + file.name + ". Try a well-lit photo facing the camera.";
  } catch (err) {
    status.textContent = "Could not analyse the photo: " + err.message;
  } finally {
    input.value = "";
  }
}

// ---------- history ----------
async function loadHistory() {
  const box = $("history-chart");
  try {
    state.history = (await api("GET", "/api/history?days=" + state.config.history.days.default)) || {};
    renderHistory();
  } catch (err) {
    box.dataset.state = "error";
    box.replaceChildren(el("p", { class: "muted", text: "No history: " + err.message }));
  }
}

function renderHistory() {
  const h = state.history, box = $("history-chart");
  const days = (Array.isArray(h.days) ? h.days : []).slice().reverse(); // newest (today) first
  const entries = Array.isArray(h.entries) ? h.entries : [];
  if (!days.length) { box.dataset.state = "empty"; box.replaceChildren(el("p", { class: "muted", text: "No moods recorded yet." })); return; }
  // One user unit per CSS pixel, so the labels keep their size on a phone.
  const W = Math.max(300, Math.round(box.clientWidth || 900)), narrow = W < 600;
  const left = narrow ? 58 : 100, right = narrow ? 92 : 230, rowH = narrow ? 30 : 34, top = 24;
  const trackW = W - left - right, barX = W - right + (narrow ? 14 : 28), barW = right - (narrow ? 44 : 70);
  const H = top + days.length * rowH + 8;
  const maxTotal = Math.max(1, ...days.map((d) => d.total || sumCounts(d.counts)));
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "history-title history-desc" });
  root.append(svg("title", { id: "history-title" }, "Moods of the last " + days.length + " days"));
  const desc = days.map((d) => `${d.date}: ${d.total || sumCounts(d.counts)} moods` + (d.dominant ? `, mostly ${d.dominant}` : "")).join("; ");
  root.append(svg("desc", { id: "history-desc" }, desc));
  for (const hr of [0, 6, 12, 18, 24]) {
    const x = left + trackW * hr / 24;
    root.append(svg("line", { class: "grid", x1: x, x2: x, y1: top - 6, y2: H - 6 }));
    root.append(svg("text", { x, y: 14, "text-anchor": hr === 0 ? "start" : hr === 24 ? "end" : "middle" },
      narrow ? String(hr) + "h" : String(hr).padStart(2, "0") + ":00"));
  }
  root.append(svg("text", { x: barX, y: 14 }, narrow ? "count" : "count per emotion"));
  const today = days[0] && days[0].date;
  days.forEach((d, i) => {
    const mid = top + i * rowH + rowH / 2;
    const g = svg("g", { "data-date": d.date });
    g.append(svg("text", { class: "daylabel", x: 0, y: mid + 4, "font-weight": d.date === today ? "700" : "400" },
      d.date === today ? "Today" : dayLabel(d.date, narrow)));
    g.append(svg("line", { class: "grid", x1: left, x2: left + trackW, y1: mid, y2: mid }));
    const start = typeof d.day_start === "number" ? d.day_start : Date.parse(d.date + "T00:00:00Z") / 1000;
    for (const e of entries) {
      if (typeof e.time !== "number" || e.time < start || e.time >= start + 86400) continue;
      const x = left + trackW * (e.time - start) / 86400;
      const r = 4 + 4 * (typeof e.confidence === "number" ? Math.max(0, Math.min(1, e.confidence)) : 0.5);
      const c = svg("circle", { cx: x.toFixed(1), cy: mid, r: r.toFixed(1), fill: colorOf(e.emotion), "fill-opacity": "0.85",
        stroke: "var(--panel)", "stroke-width": "1", "data-emotion": e.emotion });
      c.append(svg("title", {}, `${e.utc || new Date(e.time * 1000).toISOString()}: ${e.emotion} ${pct(e.confidence)}${e.source ? " (" + e.source + ")" : ""}`));
      g.append(c);
    }
    let x = barX;
    const total = d.total || sumCounts(d.counts);
    for (const emo of state.config.emotions) {
      const n = (d.counts && d.counts[emo]) || 0;
      if (!n) continue;
      const w = barW * n / maxTotal;
      const r = svg("rect", { x: x.toFixed(1), y: mid - 8, width: Math.max(1, w).toFixed(1), height: 16, fill: colorOf(emo), "data-emotion": emo });
      r.append(svg("title", {}, `${d.date}: ${n} × ${emo}`));
      g.append(r); x += w;
    }
    g.append(svg("text", { x: x + 6, y: mid + 4 }, total ? String(total) : "–"));
    root.append(g);
  });
  box.replaceChildren(root);
  box.dataset.state = "ready";
}

function dayLabel(date, narrow) {
  const t = Date.parse(date + "T12:00:00Z");
  if (isNaN(t)) return date;
  return new Date(t).toLocaleDateString(undefined, narrow ? { weekday: "short", day: "numeric", timeZone: "UTC" }
    : { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

async function clearHistory() {
  if (!confirm("Remove every recorded mood, like and skip from this computer's history?")) return;
  try {
    const c = await api("DELETE", "/api/history");
    say("history-state", "Removed " + c.moods + " moods and " + c.feedback + " likes and skips.");
  } catch (err) {
    say("history-state", "Could not clear the history: " + err.message);
  }
  loadHistory();
}

// ---------- start ----------
function bindControls() {
  $("mode").addEventListener("change", () => { $("target").disabled = $("mode").value !== "lift"; loadPlaylist(); });
  $("target").addEventListener("change", loadPlaylist);
  $("no-explicit").addEventListener("change", loadPlaylist);
  $("controls").addEventListener("submit", (ev) => { ev.preventDefault(); if ($("controls").reportValidity()) loadPlaylist(); });
  $("new-mood").addEventListener("click", resetMood);
  $("save-spotify").addEventListener("click", saveToSpotify);
  $("player-prev").addEventListener("click", () => stepPlayer(-1));
  $("player-next").addEventListener("click", () => stepPlayer(1));
  $("player-like").addEventListener("click", () => state.playing && likeCard(state.playing));
  $("player-skip").addEventListener("click", () => state.playing && skipCard(state.playing));
  $("player-close").addEventListener("click", closePlayer);
  $("pause-btn").addEventListener("click", togglePause);
  $("photo-input").addEventListener("change", analysePhoto);
  $("history-refresh").addEventListener("click", loadHistory);
  $("history-clear").addEventListener("click", clearHistory);
  window.addEventListener("resize", () => {
    drawLive(); drawPhoto();
    clearTimeout(state.resizeTimer);
    state.resizeTimer = setTimeout(() => { if (state.history) renderHistory(); }, 150);
  });
}

async function start() {
  try {
    await signIn();
  } catch (err) {
    renderServerStatus(null, err.message);
    return;
  }
  loadHealth();
  try {
    applyConfig(await api("GET", "/api/config"));
  } catch (err) {
    renderServerStatus(null, err.status ? err.message : null);
    return;
  }
  bindControls();
  loadHistory();
  startCamera();
}

start();
