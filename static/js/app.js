/* The dashboard's own behaviour, in one static file (no inline scripts or handlers):
   - groups ticked for a bulk action stay ticked through live row updates;
   - keep the keyboard's place when htmx replaces what had focus (Quick Assign, a direction
     change): focus goes to the same control in the new content, or to the changed row;
   - flash messages: success messages close by themselves after a few seconds, errors and
     warnings stay until dismissed (the × button is page-actions.js's data-dismiss). */
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button:not([disabled]), select:not([disabled]), textarea:not([disabled]), " +
    "input:not([type=hidden]):not([disabled]), [tabindex]:not([tabindex='-1'])";
  var SUCCESS_SECONDS = 5;
  var focusBeforeSwap = null;

  /* Where focus was, said so that it can be found again in new content: the ids of its
     ancestors (nearest first) and a selector for the control itself. */
  function describeFocus(target) {
    var active = document.activeElement;
    if (!active || active === document.body || !target || !target.contains(active)) {
      return null;
    }
    var ids = [];
    for (var node = active.parentElement; node; node = node.parentElement) {
      if (node.id) { ids.push(node.id); }
    }
    var control = null;
    if (active.id) {
      control = "#" + CSS.escape(active.id);
    } else if (active.name) {
      control = active.tagName.toLowerCase() + "[name='" + CSS.escape(active.name) + "']";
    }
    return { ids: ids, control: control };
  }

  function focusOn(element) {
    if (!element.matches(FOCUSABLE) && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function restoreFocus(place) {
    var active = document.activeElement;
    if (!place || (active && active !== document.body && active.isConnected)) {
      return;  // focus was elsewhere, or is still somewhere: leave it
    }
    for (var i = 0; i < place.ids.length; i++) {
      var container = document.getElementById(place.ids[i]);
      if (!container) { continue; }
      var control = place.control && container.querySelector(place.control);
      focusOn(control || container.querySelector(FOCUSABLE) || container);
      return;
    }
  }

  /* Groups ticked for a bulk action stay ticked when a live update redraws their rows; the
     bulk action's own answer redraws them unticked. */
  var TICKS = "input[type=checkbox][form='bulk-assign']";
  var ticked = [];

  function tickedValues() {
    return Array.prototype.map.call(document.querySelectorAll(TICKS + ":checked"), function (box) {
      return box.value;
    });
  }

  function restoreTicks(values) {
    document.querySelectorAll(TICKS).forEach(function (box) {
      if (values.indexOf(box.value) !== -1) { box.checked = true; }
    });
  }

  document.addEventListener("htmx:before:swap", function (event) {
    var ctx = event.detail && event.detail.ctx;
    focusBeforeSwap = describeFocus(ctx && ctx.target);
    var source = ctx && ctx.sourceElement;
    ticked = source && source.id === "bulk-assign" ? [] : tickedValues();
  });

  document.addEventListener("htmx:after:swap", function () {
    var place = focusBeforeSwap;
    focusBeforeSwap = null;
    restoreFocus(place);
    restoreTicks(ticked);
  });

  /* ---- flash messages ---- */

  function closeLater(flash) {
    if (!flash.classList.contains("flash--success") || flash.dataset.closing) { return; }
    flash.dataset.closing = "yes";
    var close = function () {
      if (flash.matches(":hover") || flash.contains(document.activeElement)) {
        window.setTimeout(close, 1000);  // not while the admin is reading or on it
        return;
      }
      flash.remove();
    };
    window.setTimeout(close, SUCCESS_SECONDS * 1000);
  }

  function watchFlashes() {
    var area = document.getElementById("flashes");
    if (!area) { return; }
    area.querySelectorAll(".flash").forEach(closeLater);
    new MutationObserver(function () {
      area.querySelectorAll(".flash").forEach(closeLater);
    }).observe(area, { childList: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchFlashes);
  } else {
    watchFlashes();
  }
})();
