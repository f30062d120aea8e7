/*
 * The search in the header (templates/partials/global_search.html): htmx lists the
 * first matches below the box as one types; this lets the keyboard go through them
 * (down and up arrows, Escape to close and come back to the box) and closes the list
 * when the focus or a click goes elsewhere. Without JavaScript the box is a plain
 * search form.
 */
(function () {
  "use strict";

  function setUp(form) {
    const input = form.querySelector("input[type='search']");
    const results = form.querySelector(".global-search__results");

    function links() {
      return Array.from(results.querySelectorAll("a[href]"));
    }

    function close() {
      results.hidden = true;
    }

    function open() {
      results.hidden = results.children.length === 0;
    }

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        const found = links();
        if (found.length > 0) {
          event.preventDefault();
          open();
          found[0].focus();
        }
      } else if (event.key === "Escape") {
        close();
      }
    });

    input.addEventListener("focus", open);

    results.addEventListener("keydown", function (event) {
      const found = links();
      const at = found.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < found.length - 1) {
        event.preventDefault();
        found[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? found[at - 1] : input).focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        // Back to the box first: its focus would open the list again.
        input.focus();
        close();
      }
    });

    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget !== null && !form.contains(event.relatedTarget)) {
        close();
      }
    });

    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) {
        close();
      }
    });

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === results) {
        open();
      }
    });
  }

  document.querySelectorAll("[data-global-search]").forEach(setUp);
})();
