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
})();
