/*
 * The chat widget of the anonymous chat (Jämställdhetsmyndigheten).
 * Plain JavaScript, no dependencies; it talks only to the server it was loaded from, sets no
 * cookies and keeps the visible conversation in sessionStorage (this tab only).
 *
 * Embed with one tag:  <script src="https://<server>/widget.js" defer></script>
 *   data-mount="<id>"        render inside that element (the chat page does this); without it a
 *                            "Chatta anonymt" button opens the chat in a panel.
 *   data-exit-url="https://…" where "Lämna sidan snabbt" and Esc go (default from the server).
 *   data-campaign="<id>"     the campaign the chat is opened from (content/campaigns.yml); the
 *                            chat page takes it as ?kampanj=<id>. Its opener and quick replies
 *                            come with the settings; an unknown or expired id gets the welcome.
 *
 * All text from the person and from the bot goes into the page as text nodes (textContent),
 * never as HTML. In bot text, [text](https://…) becomes a link showing the text (https only; any
 * other target stays plain text), bare URLs and phone numbers become links too.
 */
(function () {
  "use strict";

  var CONFIG = /*CONFIG*/{"exitUrl": "https://www.google.se", "maxLength": 1000, "timeoutMs": 25000, "retentionDays": 30, "safetyLines": "Är du eller någon annan i akut fara: ring 112. Kvinnofridslinjen 020-50 50 50 svarar dygnet runt, gratis och anonymt, för dig som utsatts för våld och för närstående."}/*END*/;
  var STORE_KEY = "jamchat.v1";
  var MAX_KEPT = 200;
  var ID_PATTERN = /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/;

  var script = document.currentScript;
  if (!script || window.__jamchatLoaded) return;
  window.__jamchatLoaded = true;

  var BASE = new URL(script.src, location.href).origin;
  var EXIT_URL = httpUrl(script.getAttribute("data-exit-url")) || CONFIG.exitUrl;
  var MOUNT_ID = script.getAttribute("data-mount");
  var CAMPAIGN = campaignId(script.getAttribute("data-campaign")) || campaignId(pageParam("kampanj"));

  // The front's own safety lines (bot/web/texts.py SAFETY_LINES), spliced in with the settings.
  var SAFETY = CONFIG.safetyLines;
  var T = {
    title: "Chatta anonymt",
    launcher: "Chatta anonymt",
    close: "Stäng",
    closeMore: " chatten",
    restart: "Börja om",
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
        "gatuadresser dolda. Skriv ”radera mitt samtal” så raderas det ur chattens lagring direkt.",
      "”Lämna sidan snabbt” eller Esc stänger chatten och rensar samtalet i den här fliken. " +
        "Är du i akut fara: ring 112."
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
    offline:
      "Det går inte att nå chatten just nu. Kontrollera din internetanslutning och försök igen. " + SAFETY
  };

  var state = load() || fresh(false);
  if (!state.entries.length) state.campaign = runningCampaign();  // nothing written yet: this link's campaign
  var exited = false;
  var pending = 0;
  var queue = Promise.resolve();
  var ui = null;

  // ---------------------------------------------------------------- state

  function fresh(noticeSeen) {
    return { id: newId(), entries: [], noticeSeen: noticeSeen, open: false, campaign: runningCampaign(), counted: {} };
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

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY));
      if (saved && ID_PATTERN.test(saved.id) && Array.isArray(saved.entries)) return saved;
    } catch (e) { /* nothing saved, or storage blocked */ }
    return null;
  }

  function save() {
    if (exited) return;
    state.entries = state.entries.slice(-MAX_KEPT);
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* storage full or blocked: the chat still works */ }
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

  // ---------------------------------------------------------------- building the widget

  function start() {
    var inline = MOUNT_ID ? document.getElementById(MOUNT_ID) : null;
    if (!document.querySelector("link[data-jamchat]")) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: BASE + "/widget.css", "data-jamchat": "" }));
    }
    ui = build(Boolean(inline));
    if (inline) {
      document.body.insertBefore(ui.exit, document.body.firstChild);
      inline.appendChild(ui.panel);
    } else {
      ui.panel.hidden = !state.open;
      ui.launcher.setAttribute("aria-expanded", String(state.open));
      document.body.appendChild(el("div", { class: "jc-root jc-floating" }, [ui.launcher, ui.panel]));
    }
    ui.inline = Boolean(inline);
    save();
    if (inline || state.open) countOnce("opened");
    ui.log.addEventListener("click", countContact);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !event.isComposing && (ui.inline || !ui.panel.hidden)) {
        event.preventDefault();
        quickExit();
      }
    });
  }

  function build(inline) {
    var exit = el("button", { type: "button", class: "jc-exit" + (inline ? " jc-exit-fixed" : ""), "aria-describedby": "jamchat-exit-hint" }, [T.exit]);
    var exitHint = el("span", { id: "jamchat-exit-hint", class: "jc-sr" }, [T.exitHint]);
    var restart = el("button", { type: "button", class: "jc-secondary" }, [T.restart]);
    var actions = el("div", { class: "jc-actions" }, [restart]);
    var launcher = null;
    if (!inline) {
      var close = el("button", { type: "button", class: "jc-secondary" }, [T.close, srOnly(T.closeMore)]);
      close.addEventListener("click", function () { setOpen(false); });
      actions.appendChild(close);
      launcher = el("button", { type: "button", class: "jc-launcher", "aria-controls": "jamchat-panel" }, [T.launcher]);
      launcher.addEventListener("click", function () { setOpen(launcher.getAttribute("aria-expanded") !== "true"); });
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
    var panel = el("section", { id: "jamchat-panel", class: "jc-panel" + (inline ? " jc-inline" : ""), "aria-labelledby": "jamchat-title" }, [
      el("div", { class: "jc-head" }, (inline ? [] : [exit]).concat([
        el("h2", { id: "jamchat-title", class: "jc-title" }, [T.title]), actions, exitHint
      ])),
      notice || document.createComment("notice accepted"),
      log,
      status,
      form
    ]);

    exit.addEventListener("click", quickExit);
    restart.addEventListener("click", restartConversation);
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

    var parts = { exit: exit, launcher: launcher, panel: panel, notice: notice, log: log, status: status, input: input };
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
    var id = state.id;
    queue = queue.then(function () {
      setTyping(1);
      return post(payload, id).then(function (answer) {
        setTyping(-1);
        if (id !== state.id || exited) return;
        answer.messages.forEach(function (message) {
          append({ who: "bot", text: String(message.text || ""), buttons: cleanButtons(message.buttons), alert: answer.alert });
        });
      });
    });
  }

  function cleanButtons(buttons) {
    return Array.isArray(buttons)
      ? buttons.filter(function (b) { return b && typeof b.title === "string"; })
        .map(function (b) { return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }; })
      : [];
  }

  // Resolves to {messages, alert}; a network failure or an unreadable answer gives the offline text.
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
        return { messages: body.messages, alert: Boolean(body.fallback) };
      });
    }).catch(function () {
      return { messages: [{ text: T.offline }], alert: true };
    }).then(function (answer) {
      clearTimeout(timer);
      return answer;
    });
  }

  function setTyping(delta) {
    pending += delta;
    ui.status.textContent = "";
    ui.status.classList.toggle("jc-typing", pending > 0);
    if (pending > 0) ui.status.appendChild(el("span", { class: "jc-dots", "aria-hidden": "true" }));
    if (pending > 0) ui.status.appendChild(document.createTextNode(T.typing));
  }

  function restartConversation() {
    var old = state.id;
    post("/restart", old);
    state = fresh(state.noticeSeen);
    state.open = !ui.inline;
    save();
    renderAll(ui);
    ui.input.value = "";
    ui.status.textContent = T.restarted;
    ui.input.focus();
  }

  function setOpen(open) {
    state.open = open;
    save();
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      countOnce("opened");
      ui.log.scrollTop = ui.log.scrollHeight;
      ui.input.focus();
    } else {
      ui.launcher.focus();
    }
  }

  function quickExit() {
    count("exit");
    exited = true;
    try { sessionStorage.clear(); } catch (e) { /* storage blocked */ }
    document.title = "";
    document.body.textContent = "";
    location.replace(EXIT_URL);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
