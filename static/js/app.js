/*
 * Rapport's few behaviours on top of htmx. They live in this file because the
 * Content Security Policy runs no inline script (and so no hx-on attribute).
 * Without JavaScript none of this is needed: forms post and links load pages.
 */
(function () {
  "use strict";

  // Did the server redirect the request? Then its answer is a whole page (the
  // sign-in page once the session has ended), never a fragment to swap in.
  function redirected(detail) {
    if (!detail.xhr || !detail.xhr.responseURL) {
      return false;
    }
    const asked = new URL(detail.requestConfig.path, window.location.href);
    const answered = new URL(detail.xhr.responseURL);
    return answered.origin !== asked.origin || answered.pathname !== asked.pathname;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    if (!redirected(detail)) {
      return;
    }
    detail.shouldSwap = false;
    if (detail.requestConfig.verb === "get") {
      // A poll stops quietly: reloading could lose a comment being written.
      detail.elt.setAttribute("data-polling-stopped", "");
    } else {
      // Something the reader sent: show them the page the server sent them to.
      window.location.reload();
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.hasAttribute("data-polling-stopped")) {
      event.preventDefault();
    }
  });

  // A request that failed says so next to the buttons of its form, or falls back
  // to the link's ordinary page load; a failed poll simply tries again later.
  function notSent(elt, text) {
    const form = elt.closest("form");
    if (form === null) {
      if (elt.matches("a[href]")) {
        window.location.assign(elt.href);
      }
      return;
    }
    let note = form.querySelector(".request-error");
    if (note === null) {
      note = document.createElement("p");
      note.className = "errorlist nonfield request-error";
      note.setAttribute("role", "alert");
      const actions = form.querySelector(".form-actions");
      if (actions !== null) {
        actions.before(note);
      } else {
        form.append(note);
      }
    }
    // Set after insertion, so that screen readers announce it.
    note.textContent = text;
  }

  document.addEventListener("htmx:responseError", function (event) {
    notSent(
      event.detail.elt,
      "Not sent: the server answered " + event.detail.xhr.status +
        ". Try again, or reload the page."
    );
  });

  document.addEventListener("htmx:sendError", function (event) {
    notSent(
      event.detail.elt,
      "Not sent: the server could not be reached. Check your connection and try again."
    );
  });

  // The phone menu: the button folds and unfolds the navigation it controls
  // (the stylesheet hides it while aria-expanded is "false"). Listening on the
  // document needs no set-up once the page has loaded.
  function setMenu(toggle, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    const toggle = event.target.closest(".menu-toggle");
    if (toggle !== null) {
      setMenu(toggle, toggle.getAttribute("aria-expanded") !== "true");
    }
    // A click outside the open user menu closes it, as any menu would.
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });

  // Escape closes the user menu, then the phone menu, and gives the focus back
  // to what opened it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    const menu = document.querySelector("details.user-menu[open]");
    if (menu !== null) {
      menu.open = false;
      menu.querySelector("summary").focus();
      return;
    }
    const toggle = document.querySelector(".menu-toggle[aria-expanded='true']");
    if (
      toggle !== null &&
      document.getElementById(toggle.getAttribute("aria-controls")).contains(document.activeElement)
    ) {
      setMenu(toggle, false);
      toggle.focus();
    }
  });

  // A secret shown once (an API key, a webhook's signing secret) gets a button
  // that copies it. The button is in the page hidden, and shown here, where the
  // clipboard can be reached; the secret stays selectable in one go without it.
  function copied(button, text) {
    const status = document.getElementById(button.getAttribute("data-copy-status"));
    if (status !== null) {
      status.textContent = text;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (navigator.clipboard === undefined) {
      return;
    }
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (button === null) {
      return;
    }
    const source = document.getElementById(button.getAttribute("data-copy"));
    navigator.clipboard.writeText(source.textContent.trim()).then(
      function () {
        copied(button, "Copied to the clipboard.");
      },
      function () {
        copied(button, "Not copied: select the text and copy it yourself.");
      }
    );
  });

  // Destructive forms (remove, revoke, withdraw) ask first: data-confirm holds
  // the question. Without JavaScript they post at once, as any form does.
  document.addEventListener("submit", function (event) {
    const question = event.target.getAttribute("data-confirm");
    if (question !== null && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
