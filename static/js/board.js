/*
 * The role's board (templates/recruiting/role_board.html): drag a card to another
 * stage with SortableJS (static/vendor/Sortable.min.js), and put every card the
 * server sends back in the column of its stage.
 *
 * A drop asks the server for the move (the same htmx POST as the card's "Move"
 * menu, engagements.pages.board.board_move) and the answer replaces the card:
 * moved (200), it stays in the column it was dropped in; refused (409) or missing a
 * reason (422), it goes back where it was before the answer is swapped in, the
 * service's message in the status line or the move form open on the card. The
 * server decides every move; nothing here knows the stage machine.
 */
(function () {
  "use strict";

  // Where each dragged card came from, until the server has answered.
  const origins = new WeakMap();

  function status(text) {
    const line = document.getElementById("board-status");
    if (line === null) {
      return;
    }
    const note = document.createElement("p");
    note.className = "message message--error";
    note.textContent = text;
    line.replaceChildren(note);
  }

  function putBack(card) {
    const origin = origins.get(card);
    if (origin === undefined) {
      return;
    }
    origins.delete(card);
    origin.list.insertBefore(card, origin.next && origin.next.parentNode === origin.list ? origin.next : null);
  }

  // A card answered by the server (or appended by "Show more") belongs in the column
  // of its stage; one already shown there once is not shown twice.
  function place(card) {
    const list = document.getElementById("board-cards-" + card.dataset.stage);
    if (list === null) {
      return;
    }
    if (card.parentNode !== list) {
      list.append(card);
    }
    document.querySelectorAll("[id='" + card.id + "']").forEach(function (other) {
      if (other !== card) {
        other.remove();
      }
    });
  }

  function dropped(event) {
    const card = event.item;
    if (event.from === event.to || !card.dataset.moveUrl) {
      return;
    }
    origins.set(card, { list: event.from, next: event.from.children[event.oldIndex] || null });
    card.setAttribute("aria-busy", "true");
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: card,
      swap: "outerHTML",
      values: { to_stage: event.to.dataset.stage },
    });
  }

  function enhance(board) {
    board.querySelectorAll(".board__cards").forEach(function (list) {
      Sortable.create(list, {
        group: "board",
        sort: false,
        draggable: ".board-card[data-move-url]",
        // The menu's fields and the links keep their clicks and taps.
        filter: ".board-card__menu",
        preventOnFilter: false,
        // Pointer events rather than the browser's drag and drop: the same on a
        // phone's touch screen as with a mouse.
        forceFallback: true,
        fallbackOnBody: true,
        ghostClass: "board-card--ghost",
        chosenClass: "board-card--chosen",
        onEnd: dropped,
      });
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const card = event.detail.target;
    if (!origins.has(card)) {
      return;
    }
    if (event.detail.xhr.status >= 300) {
      putBack(card);
    }
    origins.delete(card);
  });

  // The move failed on the way (no answer, or a server error): the card goes back.
  function failed(event) {
    const card = event.detail.elt;
    if (!origins.has(card)) {
      return;
    }
    putBack(card);
    card.removeAttribute("aria-busy");
    status("Not moved: the server could not be reached or failed. Try again, or reload the page.");
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  document.addEventListener("htmx:load", function (event) {
    const element = event.detail.elt;
    if (element.matches && element.matches(".board-card")) {
      place(element);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    const board = document.querySelector("[data-board]");
    if (board !== null && typeof Sortable === "function") {
      enhance(board);
    }
  });
})();
