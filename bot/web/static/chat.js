/*
 * The chat itself (Jämställdhetsmyndigheten's anonymous chat): plain JavaScript, no dependencies.
 * It runs only on the chat's own origin – on the chat page (/, loaded by widget.js) and in the
 * frame page /chat that widget.js puts in an <iframe> on other sites – so the conversation id and
 * the visible conversation are never in reach of another site's scripts. It talks only to its own
 * server, sets no cookies and keeps the conversation in this origin's sessionStorage (this tab).
 *
 *   data-mount="<id>"      the element the chat is drawn in.
 *   data-exit-url="https://…" where "Lämna sidan snabbt" and Esc go (default from the server).
 *   data-campaign="<id>"   the campaign the chat is opened from (content/campaigns.yml), else the
 *                          page's ?kampanj=<id>; its opener and quick replies come with the settings.
 *   ?embed=1 | ?embed=inline  set by widget.js on the frame's address: the chat is in a frame on
 *                          another site (1: opened by its launcher, so it has a close button). The
 *                          frame tells the host page only "ready", "close" and "exit" (postMessage,
 *                          nothing of the conversation); the host page may ask it to "open" or "exit".
 *
 * The server gives the conversation id (POST /api/conversation); "Radera samtalet" deletes the
 * conversation (POST /api/delete), "Börja om" and the quick exit ask for the same with
 * navigator.sendBeacon before they switch to a new conversation or leave.
 *
 * All text from the person and from the bot goes into the page as text nodes (textContent),
 * never as HTML. In bot text, [text](https://…) becomes a link showing the text (https only; any
 * other target stays plain text), bare URLs and phone numbers become links too.
 */
(function () {
  "use strict";

  var CONFIG = /*CONFIG*/{"exitUrl": "https://www.google.se", "maxLength": 1000, "timeoutMs": 25000, "retentionDays": 30, "safetyLines": "Är du eller någon annan i akut fara: ring 112. Kvinnofridslinjen 020-50 50 50 svarar dygnet runt, gratis och anonymt, för dig som utsatts för våld och för närstående."}/*END*/;
  var STORE_KEY = "jamchat.v2";
  var MAX_KEPT = 200;
  var TOKEN_PATTERN = /^[A-Za-z0-9_.~+\/=-]{16,512}$/;

  var script = document.currentScript;
  if (!script || window.__jamchatChat) return;
  window.__jamchatChat = true;

  var BASE = new URL(script.src, location.href).origin;
  var EXIT_URL = httpUrl(script.getAttribute("data-exit-url")) || CONFIG.exitUrl;
  var MOUNT_ID = script.getAttribute("data-mount");
  var CAMPAIGN = campaignId(script.getAttribute("data-campaign")) || campaignId(pageParam("kampanj"));
  var FRAMED = window.parent !== window;
  var EMBED = FRAMED ? pageParam("embed") : null;  // "1": opened by the launcher on another site
  var POPUP = EMBED === "1";

  // The front's own safety lines (bot/web/texts.py SAFETY_LINES), spliced in with the settings.
  var SAFETY = CONFIG.safetyLines;
  var T = {
    title: "Chatta anonymt",
    close: "Stäng",
    closeMore: " chatten",
    restart: "Börja om",
    erase: "Radera samtalet",
    exit: "Lämna sidan snabbt",
    exitHint: "Stänger chatten, rensar samtalet och byter till en annan webbplats. Du kan också trycka Esc.",
    welcome:
      "Hej! Jag är en automatisk chatt. Jag svarar på frågor om sexköp, om lagen och om var du kan få " +
      "stöd, till exempel om du vill sluta köpa sex. Vad vill du fråga om?",
    noticeTitle: "Innan du börjar",
    notice: [
      "Chatten är automatisk – ett datorprogram svarar, inte en människa.",
      "Du behöver inte berätta vem du är. Skriv inte ditt namn eller annat som visar vem du eller " +
        "någon annan är – allt sådant kan inte döljas.",
      "Vi använder inga kakor och sparar inte din IP-adress. Samtalet sparas i " + CONFIG.retentionDays +
        " dagar efter ditt senaste meddelande, med personnummer, telefonnummer, e-post och " +
        "gatuadresser dolda. Knappen ”Radera samtalet” raderar det ur chattens lagring direkt.",
      "”Lämna sidan snabbt” eller Esc stänger chatten, rensar samtalet i den här fliken och ber " +
        "chatten radera det. Är du i akut fara: ring 112."
    ],
    noticeOk: "Jag förstår",
    log: "Samtal",
    you: "Du: ",
    bot: "Chatten: ",
    label: "Skriv ditt meddelande",
    hint: "Automatisk chatt. Skriv inte namn eller personnummer. Enter skickar.",
    send: "Skicka",
    typing: "Chatten skriver …",
    choices: "Svarsalternativ",
    newTab: " (öppnas i ny flik)",
    restarted: "Samtalet har börjat om.",
    // Only what is true: the tracker store deletes the conversation at once; a database backup
    // (scaled mode, if the operators take backups) keeps it until the backup is thinned out, which
    // docs/web.md asks to happen within the retention period.
    erased:
      "Samtalet är raderat ur chattens lagring och rensat i den här fliken. Om driften har tagit en " +
      "säkerhetskopia av databasen finns samtalet kvar i den tills kopian gallras, inom " +
      CONFIG.retentionDays + " dagar.",
    nothingSent: "Inget hade skickats i det här samtalet, så inget var sparat. Fönstret är rensat.",
    notFound:
      "Chatten hittade inget samtal att radera med det här samtalets nyckel – det kan redan vara " +
      "raderat, eller så har nyckeln gått ut. Samtalet i den här fliken är rensat. Det som finns sparat " +
      "raderas automatiskt " + CONFIG.retentionDays + " dagar efter ditt senaste meddelande.",
    eraseFailed: "Det gick inte att radera samtalet just nu. Försök igen om en stund.",
    offline:
      "Det går inte att nå chatten just nu. Kontrollera din internetanslutning och försök igen. " + SAFETY
  };

  var state = load() || fresh(false);
  if (!state.entries.length) state.campaign = runningCampaign();  // nothing written yet: this link's campaign
  var exited = false;
  var pending = 0;
  var epoch = 0;          // grows when the conversation is deleted or restarted: late answers are dropped
  var queue = Promise.resolve();
  var tokenRequest = null;
  var ui = null;

  // ---------------------------------------------------------------- state

  // id: the server's token for this conversation, null until the chat asks for one.
  function fresh(noticeSeen) {
    return { id: null, expiresAt: 0, entries: [], noticeSeen: noticeSeen, campaign: runningCampaign(), counted: {} };
  }

  // ---------------------------------------------------------------- campaigns and counters

  function pageParam(name) {
    try { return new URLSearchParams(location.search).get(name); } catch (e) { return null; }
  }

  function campaignId(value) {
    return typeof value === "string" && /^[a-z0-9][a-z0-9-]{1,39}$/.test(value) ? value : null;
  }

  function campaignOpener(id) {
    var all = CONFIG.campaigns || {};
    return id && Object.prototype.hasOwnProperty.call(all, id) ? all[id] : null;
  }

  // The campaign's id while it runs (its opener came with the settings), else null (no campaign).
  function runningCampaign() {
    return campaignOpener(CAMPAIGN) ? CAMPAIGN : null;
  }

  // The first bot message: the campaign's opener with its quick replies (until something is sent),
  // or the default welcome.
  function opener() {
    var campaign = campaignOpener(state.campaign);
    if (!campaign) return { who: "bot", text: T.welcome };
    return { who: "bot", text: String(campaign.text), buttons: cleanButtons(campaign.buttons), used: state.entries.length > 0 };
  }

  // One counter event for the campaign report: the event and the campaign, nothing else – no
  // conversation id, no cookie, no referrer. text/plain needs no preflight; keepalive lets it
  // finish while the quick exit leaves the page.
  function count(event) {
    var body = { event: event };
    if (state.campaign) body.campaign = state.campaign;
    try {
      fetch(BASE + "/api/count", {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
        keepalive: true
      }).catch(function () { /* a lost count does not matter to the person */ });
    } catch (e) { /* fetch missing or blocked */ }
  }

  // "opened" and "contact" count once per conversation (the funnel counts conversations).
  function countOnce(event) {
    if (!state.counted) state.counted = {};
    if (state.counted[event]) return;
    state.counted[event] = true;
    save();
    count(event);
  }

  // A phone number, or a link to a support service (CONFIG.contactHosts, from content/resources.yml),
  // clicked in an answer.
  function countContact(event) {
    var a = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!a || !a.closest(".jc-bot")) return;
    var host = (a.hostname || "").toLowerCase().replace(/^www\./, "");
    var support = (CONFIG.contactHosts || []).some(function (h) {
      return host === h || host.slice(-h.length - 1) === "." + h;
    });
    if (a.protocol === "tel:" || support) countOnce("contact");
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY));
      if (saved && (saved.id === null || TOKEN_PATTERN.test(saved.id)) && Array.isArray(saved.entries)) return saved;
    } catch (e) { /* nothing saved, or storage blocked */ }
    return null;
  }

  function save() {
    if (exited) return;
    state.entries = state.entries.slice(-MAX_KEPT);
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* storage full or blocked: the chat still works, in memory */ }
  }

  function wipeStorage() {
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* storage blocked */ }
  }

  function httpsUrl(value) {
    var url = httpUrl(value);
    return url && url.indexOf("https:") === 0 ? url : null;
  }

  function httpUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- the conversation on the server

  function api(path, body) {
    return fetch(BASE + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    });
  }

  // The server's id for this conversation, asked for once (when the chat opens or before the first
  // message). Rejects when the server cannot be reached.
  function ensureToken() {
    if (state.id) return Promise.resolve(state.id);
    if (tokenRequest) return tokenRequest;
    var asked = epoch;
    tokenRequest = api("/api/conversation", {}).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || !body || typeof body.conversation_id !== "string" || !TOKEN_PATTERN.test(body.conversation_id)) {
          var error = new Error("no conversation id");
          if (body && Array.isArray(body.messages) && body.messages.length) error.messages = body.messages;  // e.g. 429
          throw error;
        }
        if (asked === epoch && !exited && !state.id) {
          state.id = body.conversation_id;
          state.expiresAt = Number(body.expires_at) || 0;
          save();
        }
        return state.id || body.conversation_id;
      });
    });
    tokenRequest.then(done, done);
    function done() { tokenRequest = null; }
    return tokenRequest;
  }

  // Ask the server to delete a conversation while this page goes away or switches conversation:
  // a beacon outlives the page (text/plain: no preflight).
  function deleteLater(token) {
    if (!token) return;
    var body = JSON.stringify({ conversation_id: token });
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(BASE + "/api/delete", new Blob([body], { type: "text/plain" }))) return;
    } catch (e) { /* fall back to fetch */ }
    try {
      fetch(BASE + "/api/delete", {
        method: "POST", headers: { "Content-Type": "text/plain" }, body: body,
        credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer", keepalive: true
      }).catch(function () { /* the server deletes it after the retention period anyway */ });
    } catch (e) { /* fetch missing */ }
  }

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "class") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function srOnly(text) {
    return el("span", { class: "jc-sr" }, [text]);
  }

  // Bot text with [label](url), **bold**, bare URLs and phone numbers made into elements.
  // A [label](target) whose target is not https stays plain text, brackets and all.
  var TOKEN = new RegExp(
    "\\[([^\\]\\n]{1,200})\\]\\(([^\\s)]+)\\)" +
      "|\\*\\*([^*\\n]{1,400})\\*\\*" +
      "|(https?://[^\\s<>\"]+|www\\.[^\\s<>\"]+)" +
      "|(\\b112\\b|\\b114 14\\b|\\b116 111\\b|\\b90101\\b|\\b0\\d{1,3}-\\d{2,3}(?: \\d{2,3}){1,3}\\b)",
    "g"
  );

  function richText(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text))) {
      fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      var trailing = "";
      if (match[1]) {
        fragment.appendChild(httpsUrl(match[2]) ? link(match[2], match[1]) : document.createTextNode(match[0]));
      } else if (match[3]) {
        fragment.appendChild(el("strong", {}, [match[3]]));
      } else if (match[4]) {
        var url = match[4].replace(/[.,;:!?)\]'”]+$/, "");
        trailing = match[4].slice(url.length);
        fragment.appendChild(link(/^www\./.test(url) ? "https://" + url : url, url));
      } else {
        fragment.appendChild(el("a", { href: "tel:" + match[5].replace(/\D/g, ""), class: "jc-tel" }, [match[5]]));
      }
      fragment.appendChild(document.createTextNode(trailing));
      last = TOKEN.lastIndex;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function link(href, label) {
    var safe = httpUrl(href);
    if (!safe) return document.createTextNode(label);
    return el("a", { href: safe, target: "_blank", rel: "noopener noreferrer" }, [label, srOnly(T.newTab)]);
  }

  // ---------------------------------------------------------------- building the chat

  function start() {
    var mount = MOUNT_ID ? document.getElementById(MOUNT_ID) : null;
    if (!mount) return;
    if (!document.querySelector("link[data-jamchat]") && !document.querySelector("link[href$='/widget.css']")) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: BASE + "/widget.css", "data-jamchat": "" }));
    }
    ui = build();
    if (FRAMED) {
      mount.appendChild(ui.panel);
    } else {
      document.body.insertBefore(ui.exit, document.body.firstChild);
      mount.appendChild(ui.panel);
    }
    save();
    countOnce("opened");  // the chat page, or a frame the host page made because the chat was opened
    ui.log.addEventListener("click", countContact);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !event.isComposing) {
        event.preventDefault();
        quickExit();
      }
    });
    if (FRAMED) {
      window.addEventListener("message", fromHost);
      toHost("jamchat-ready");
    }
    ensureToken().catch(function () { /* asked again before the first message */ });
  }

  function build() {
    var exit = el("button", { type: "button", class: "jc-exit" + (FRAMED ? "" : " jc-exit-fixed"), "aria-describedby": "jamchat-exit-hint" }, [T.exit]);
    var exitHint = el("span", { id: "jamchat-exit-hint", class: "jc-sr" }, [T.exitHint]);
    var restart = el("button", { type: "button", class: "jc-secondary" }, [T.restart]);
    var erase = el("button", { type: "button", class: "jc-secondary" }, [T.erase]);
    var actions = el("div", { class: "jc-actions" }, [restart, erase]);
    if (POPUP) {
      var close = el("button", { type: "button", class: "jc-secondary" }, [T.close, srOnly(T.closeMore)]);
      close.addEventListener("click", function () { toHost("jamchat-close"); });
      actions.appendChild(close);
    }
    var log = el("div", { class: "jc-log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
    var status = el("div", { class: "jc-status", role: "status" });
    var input = el("textarea", {
      id: "jamchat-input", class: "jc-input", rows: "2", maxlength: String(CONFIG.maxLength),
      "aria-describedby": "jamchat-hint", autocomplete: "off", spellcheck: "true"
    });
    var form = el("form", { class: "jc-form", novalidate: "" }, [
      el("label", { for: "jamchat-input", class: "jc-label" }, [T.label]),
      el("div", { class: "jc-row" }, [input, el("button", { type: "submit", class: "jc-send" }, [T.send])]),
      el("p", { id: "jamchat-hint", class: "jc-hint" }, [T.hint])
    ]);
    var notice = buildNotice();
    var panel = el("section", { id: "jamchat-panel", class: "jc-panel " + (FRAMED ? "jc-framed" : "jc-inline"), "aria-labelledby": "jamchat-title" }, [
      el("div", { class: "jc-head" }, (FRAMED ? [exit] : []).concat([
        el("h2", { id: "jamchat-title", class: "jc-title" }, [T.title]), actions, exitHint
      ])),
      notice || document.createComment("notice accepted"),
      log,
      status,
      form
    ]);

    exit.addEventListener("click", quickExit);
    restart.addEventListener("click", restartConversation);
    erase.addEventListener("click", eraseConversation);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitInput();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submitInput();
      }
    });

    var parts = { exit: exit, panel: panel, notice: notice, log: log, status: status, input: input };
    // Restored messages are drawn before the log is in the page, so they are not read out again.
    renderAll(parts);
    return parts;
  }

  function buildNotice() {
    if (state.noticeSeen) return null;
    var ok = el("button", { type: "button", class: "jc-secondary" }, [T.noticeOk]);
    ok.addEventListener("click", function () {
      dismissNotice();
      ui.input.focus();
    });
    return el("section", { class: "jc-notice", "aria-labelledby": "jamchat-notice-title" }, [
      el("h3", { id: "jamchat-notice-title" }, [T.noticeTitle])
    ].concat(T.notice.map(function (line) { return el("p", {}, [line]); }), [ok]));
  }

  // The notice goes away when accepted or when the first message is sent (the hint stays).
  function dismissNotice() {
    state.noticeSeen = true;
    save();
    if (ui.notice) ui.notice.remove();
    ui.notice = null;
  }

  function renderAll(parts) {
    parts.log.textContent = "";
    parts.log.appendChild(renderEntry(opener()));
    state.entries.forEach(function (entry) { parts.log.appendChild(renderEntry(entry)); });
  }

  function renderEntry(entry) {
    var mine = entry.who === "user";
    var bubble = el("div", { class: "jc-msg " + (mine ? "jc-user" : "jc-bot") + (entry.alert ? " jc-alert" : "") }, [
      srOnly(mine ? T.you : T.bot)
    ]);
    if (entry.text) {
      bubble.appendChild(el("p", { class: "jc-text" }, [mine ? document.createTextNode(entry.text) : richText(entry.text)]));
    }
    if (!mine && entry.buttons && entry.buttons.length && !entry.used) {
      var group = el("div", { class: "jc-choices", role: "group", "aria-label": T.choices });
      entry.buttons.forEach(function (button) {
        var choice = el("button", { type: "button", class: "jc-choice" }, [button.title]);
        choice.addEventListener("click", function () {
          send(button.payload || button.title, button.title);
          ui.input.focus();
        });
        group.appendChild(choice);
      });
      bubble.appendChild(group);
    }
    return bubble;
  }

  function append(entry) {
    state.entries.push(entry);
    save();
    ui.log.appendChild(renderEntry(entry));
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // ---------------------------------------------------------------- actions

  function submitInput() {
    var text = ui.input.value.trim();
    ui.input.value = "";
    ui.input.focus();
    if (text) send(text, text);
  }

  // Answer buttons stay usable only until the next message is sent.
  function retireChoices() {
    state.entries.forEach(function (entry) { if (entry.buttons) entry.used = true; });
    Array.prototype.forEach.call(ui.log.querySelectorAll(".jc-choices"), function (group) { group.remove(); });
  }

  function send(payload, shown) {
    if (!state.noticeSeen) dismissNotice();
    retireChoices();
    append({ who: "user", text: shown });
    var sentIn = epoch;
    queue = queue.then(function () {
      if (sentIn !== epoch || exited) return null;
      setTyping(1);
      return deliver(payload, sentIn).then(function (answer) {
        setTyping(-1);
        if (sentIn !== epoch || exited) return;
        if (answer.deleted) {
          // "radera mitt samtal": the server deleted it and refuses its id; the answer stays visible.
          startOver("");
          showAnswer(answer);
          return;
        }
        showAnswer(answer);
      });
    });
  }

  function showAnswer(answer) {
    answer.messages.forEach(function (message) {
      append({ who: "bot", text: String(message.text || ""), buttons: cleanButtons(message.buttons), alert: answer.alert });
    });
  }

  // The message with this conversation's id; when the server says the id has expired, its
  // messages are shown, a new id is fetched and the message is sent once more.
  function deliver(payload, sentIn) {
    return ensureToken().then(function (token) {
      return post(payload, token).then(function (answer) {
        if (!answer.expired || sentIn !== epoch) return answer;
        showAnswer(answer);
        if (state.id === token) { state.id = null; state.expiresAt = 0; save(); }
        return ensureToken().then(function (fresh) {
          return post(payload, fresh).then(function (again) {
            return again.expired ? { messages: again.messages, alert: true } : again;
          });
        });
      });
    }).catch(function (error) {
      return { messages: (error && error.messages) || [{ text: T.offline }], alert: true };
    });
  }

  function cleanButtons(buttons) {
    return Array.isArray(buttons)
      ? buttons.filter(function (b) { return b && typeof b.title === "string"; })
        .map(function (b) { return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }; })
      : [];
  }

  // Resolves to {messages, alert, expired}; a network failure or an unreadable answer gives the
  // offline text.
  function post(message, id) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, CONFIG.timeoutMs);
    return fetch(BASE + "/api/message", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state.campaign ? { conversation_id: id, message: message, campaign: state.campaign }
        : { conversation_id: id, message: message }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!body || !Array.isArray(body.messages) || (!response.ok && !body.messages.length)) throw new Error("no answer");
        var expired = response.status === 401 && body.error === "conversation_expired";
        return { messages: body.messages, alert: Boolean(body.fallback), expired: expired,
          deleted: body.conversation_deleted === true };
      });
    }).catch(function () {
      return { messages: [{ text: T.offline }], alert: true };
    }).then(function (answer) {
      clearTimeout(timer);
      return answer;
    });
  }

  function setTyping(delta) {
    pending = Math.max(0, pending + delta);
    ui.status.textContent = "";
    ui.status.classList.toggle("jc-typing", pending > 0);
    if (pending > 0) ui.status.appendChild(el("span", { class: "jc-dots", "aria-hidden": "true" }));
    if (pending > 0) ui.status.appendChild(document.createTextNode(T.typing));
  }

  // A new, empty conversation with a new id from the server; the visible one and its storage go.
  function startOver(message) {
    epoch += 1;
    pending = 0;
    wipeStorage();
    state = fresh(state.noticeSeen);
    save();
    renderAll(ui);
    ui.input.value = "";
    ui.status.textContent = message;
    ui.input.focus();
    ensureToken().catch(function () { /* asked again before the next message */ });
  }

  function restartConversation() {
    deleteLater(state.id);
    startOver(T.restarted);
  }

  // "Radera samtalet": delete on the server first (after any message still on its way), then wipe.
  function eraseConversation() {
    var token = state.id;
    ui.status.textContent = "";
    if (!token) {
      startOver(T.nothingSent);
      return;
    }
    queue = queue.then(function () {
      return api("/api/delete", { conversation_id: token }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok || !body || typeof body.deleted !== "boolean") throw new Error("not deleted");
          return body.deleted;
        });
      }).then(function (deleted) {
        if (exited) return;
        startOver(deleted ? T.erased : T.notFound);
      }, function () {
        if (!exited) ui.status.textContent = T.eraseFailed;
      });
    });
  }

  function quickExit() {
    if (exited) return;
    deleteLater(state.id);
    count("exit");
    exited = true;
    try { sessionStorage.clear(); } catch (e) { /* storage blocked */ }
    document.title = "";
    document.body.textContent = "";
    if (FRAMED) {
      // The host page leaves (widget.js); should it not, the frame at least leaves the chat.
      toHost("jamchat-exit");
      setTimeout(function () { location.replace(EXIT_URL); }, 1500);
    } else {
      location.replace(EXIT_URL);
    }
  }

  // ---------------------------------------------------------------- the host page (in a frame)

  // Messages to the host page carry no part of the conversation, so any embedding page may read them
  // (only the origins in WEB_FRAME_ANCESTORS can embed the frame at all).
  function toHost(type) {
    try { window.parent.postMessage({ type: type, url: EXIT_URL }, "*"); } catch (e) { /* no parent */ }
  }

  function fromHost(event) {
    if (event.source !== window.parent || !event.data || typeof event.data.type !== "string") return;
    if (event.data.type === "jamchat-open") {
      countOnce("opened");
      ui.log.scrollTop = ui.log.scrollHeight;
      ui.input.focus();
    } else if (event.data.type === "jamchat-exit") {
      quickExit();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
