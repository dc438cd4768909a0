/*
 * The embed script of the anonymous chat (Jämställdhetsmyndigheten). Plain JavaScript, no
 * dependencies, no cookies, nothing stored on the host page.
 *
 * Embed with one tag:  <script src="https://<chat server>/widget.js" data-campaign="…" async></script>
 *
 * On another site this script only adds a "Chatta anonymt" button and, when it is pressed, an
 * <iframe> with the chat page of the chat's own server (/chat?embed=1). The chat – its conversation
 * id and every message – lives inside that frame, in the chat origin's own storage, where no script
 * of the host page can read it. The frame may only be shown by the sites in WEB_FRAME_ANCESTORS.
 *
 *   data-campaign="<id>"      the campaign the chat is opened from (content/campaigns.yml); passed to
 *                             the frame as ?kampanj=<id> (the host page's own ?kampanj= otherwise).
 *   data-exit-url="https://…" where "Lämna sidan snabbt" and Esc send the host page (default from
 *                             the server's settings).
 *   data-mount="<id>"         draw the chat inside that element instead of behind a button (on the
 *                             chat's own server the chat page does this and the chat runs in the page).
 *
 * The frame tells this script "ready", "close" and "exit" with postMessage; only messages from the
 * frame's own window and origin are obeyed. Esc on the host page, while the chat is open, asks the
 * frame to clear the conversation and then leaves for the neutral page (location.replace, so Back
 * does not return).
 */
(function () {
  "use strict";

  var CONFIG = /*CONFIG*/{"exitUrl": "https://www.google.se", "maxLength": 1000, "timeoutMs": 25000, "retentionDays": 30, "safetyLines": "Är du eller någon annan i akut fara: ring 112. Kvinnofridslinjen 020-50 50 50 svarar dygnet runt, gratis och anonymt, för dig som utsatts för våld och för närstående."}/*END*/;
  // Shown on the host page when the chat cannot be shown there (the frame never says it is ready).
  var SAFETY = CONFIG.safetyLines;
  var READY_WAIT_MS = 4000;   // after the frame has loaded
  var EXIT_WAIT_MS = 600;     // how long Esc waits for the frame to clear the conversation

  var script = document.currentScript;
  if (!script || window.__jamchatLoaded) return;
  window.__jamchatLoaded = true;

  var BASE = new URL(script.src, location.href).origin;
  var OWN_EXIT = httpUrl(script.getAttribute("data-exit-url"));
  var MOUNT_ID = script.getAttribute("data-mount");
  var CAMPAIGN = campaignId(script.getAttribute("data-campaign")) || campaignId(pageParam("kampanj"));
  var T = {
    launcher: "Chatta anonymt",
    frame: "Chatta anonymt – chatten",
    failed: "Chatten kan inte visas här just nu. ",
    page: "Öppna chatten på en egen sida",
    newTab: " (öppnas i ny flik)"
  };

  var frame = null, launcher = null, fallback = null;
  var ready = false, open = false, leaving = false, exitTimer = null, readyTimer = null;

  function pageParam(name) {
    try { return new URLSearchParams(location.search).get(name); } catch (e) { return null; }
  }

  function campaignId(value) {
    return typeof value === "string" && /^[a-z0-9][a-z0-9-]{1,39}$/.test(value) ? value : null;
  }

  function httpUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

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

  function chatUrl(embed) {
    return BASE + "/chat?embed=" + embed + (CAMPAIGN ? "&kampanj=" + encodeURIComponent(CAMPAIGN) : "");
  }

  // ---------------------------------------------------------------- on the chat's own server

  // The chat page (/ with data-mount): the chat runs in the page itself, which is the chat origin.
  function runHere(mount) {
    var chat = el("script", { src: BASE + "/chat.js", "data-mount": mount.id });
    if (CAMPAIGN) chat.setAttribute("data-campaign", CAMPAIGN);
    if (OWN_EXIT) chat.setAttribute("data-exit-url", OWN_EXIT);
    document.body.appendChild(chat);
  }

  // ---------------------------------------------------------------- on another site

  function makeFrame(embed, className) {
    frame = el("iframe", {
      id: "jamchat-frame", class: className, src: chatUrl(embed), title: T.frame,
      referrerpolicy: "no-referrer", allow: ""
    });
    frame.addEventListener("load", function () {
      clearTimeout(readyTimer);
      readyTimer = setTimeout(function () { if (!ready) showFallback(); }, READY_WAIT_MS);
    });
    return frame;
  }

  function showFallback() {
    if (fallback || leaving) return;
    var link = el("a", { href: BASE + "/" + (CAMPAIGN ? "?kampanj=" + encodeURIComponent(CAMPAIGN) : ""),
      target: "_blank", rel: "noopener noreferrer" }, [T.page, el("span", { class: "jc-sr" }, [T.newTab])]);
    fallback = el("div", { class: "jc-fallback", role: "alert" }, [el("p", {}, [T.failed + SAFETY + " "]), link]);
    frame.parentNode.insertBefore(fallback, frame.nextSibling);
    frame.hidden = true;
  }

  function setOpen(value) {
    open = value;
    launcher.setAttribute("aria-expanded", String(open));
    if (!frame && open) launcher.parentNode.appendChild(makeFrame("1", "jc-frame"));
    if (fallback) {
      fallback.hidden = !open;
    } else if (frame) {
      frame.hidden = !open;
    }
    if (open && ready && !fallback) focusFrame();
    if (!open) launcher.focus();
  }

  function focusFrame() {
    frame.focus();
    frame.contentWindow.postMessage({ type: "jamchat-open" }, BASE);
  }

  // Leave for the neutral page; the frame has cleared the conversation (or did not answer in time).
  function leave(url) {
    if (leaving) return;
    leaving = true;
    clearTimeout(exitTimer);
    document.title = "";
    document.body.textContent = "";
    location.replace(OWN_EXIT || httpUrl(url) || CONFIG.exitUrl);
  }

  function fromFrame(event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== BASE) return;
    var data = event.data || {};
    if (data.type === "jamchat-ready") {
      ready = true;
      clearTimeout(readyTimer);
      if (open) focusFrame();
    } else if (data.type === "jamchat-close" && launcher) {
      setOpen(false);
    } else if (data.type === "jamchat-exit") {
      leave(data.url);
    }
  }

  function escape(event) {
    if (event.key !== "Escape" || event.isComposing || leaving || !frame || (launcher && !open)) return;
    event.preventDefault();
    if (ready) {
      frame.contentWindow.postMessage({ type: "jamchat-exit" }, BASE);
      exitTimer = setTimeout(leave, EXIT_WAIT_MS);
    } else {
      leave();
    }
  }

  function start() {
    var mount = MOUNT_ID ? document.getElementById(MOUNT_ID) : null;
    if (mount && location.origin === BASE) {
      runHere(mount);
      return;
    }
    if (!document.querySelector("link[data-jamchat]")) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: BASE + "/widget.css", "data-jamchat": "" }));
    }
    window.addEventListener("message", fromFrame);
    document.addEventListener("keydown", escape);
    if (mount) {
      mount.appendChild(makeFrame("inline", "jc-frame-inline"));
      return;
    }
    launcher = el("button", { type: "button", class: "jc-launcher", "aria-controls": "jamchat-frame", "aria-expanded": "false" }, [T.launcher]);
    launcher.addEventListener("click", function () { setOpen(!open); });
    document.body.appendChild(el("div", { class: "jc-root jc-floating" }, [launcher]));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
