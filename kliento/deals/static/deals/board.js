/* The deal board: SortableJS moves a card at once; the move is then saved, and a refused move puts
   the card back with the server's reason. Dropping on a lost stage asks for the lost reason first.
   The keyboard's way is each card's "Move" form, which works without this script. */
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function putBack(item, from, oldIndex) {
    item.remove();
    var cards = from.children;
    from.insertBefore(item, cards[oldIndex] || null);
  }

  function showError(board, message) {
    var alert = document.getElementById("board-error");
    alert.textContent = message;
    alert.classList.remove("d-none");
  }

  function announce(message) {
    document.getElementById("board-status").textContent = message;
  }

  function updateColumns(columns) {
    Object.keys(columns).forEach(function (stageId) {
      var column = document.querySelector('[data-column="' + stageId + '"]');
      if (!column) return;
      column.querySelector("[data-count]").textContent = columns[stageId].count;
      column.querySelector("[data-total]").textContent = columns[stageId].total;
    });
  }

  function askLostReason() {
    var dialog = document.getElementById("lost-reason-dialog");
    return new Promise(function (resolve) {
      dialog.addEventListener(
        "close",
        function () {
          resolve(dialog.returnValue === "confirm" ? document.getElementById("lost-reason-choice").value : null);
        },
        { once: true }
      );
      dialog.returnValue = "";
      dialog.showModal();
    });
  }

  function save(board, item, to, reason) {
    var previous = item.previousElementSibling;
    while (previous && !previous.hasAttribute("data-deal")) previous = previous.previousElementSibling;
    var body = new URLSearchParams();
    body.set("stage", to.dataset.stage);
    body.set("after", previous ? previous.dataset.deal : "");
    if (reason) body.set("lost_reason", reason);
    body.set("filters", board.dataset.filters || "");
    var url = board.dataset.moveUrl.replace("/0/", "/" + item.dataset.deal + "/");
    item.classList.add("is-saving");
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      item.classList.remove("is-saving");
      return response.json().then(
        function (answer) {
          return { ok: response.ok, answer: answer };
        },
        function () {
          return { ok: false, answer: { error: response.statusText } };
        }
      );
    });
  }

  function start(board) {
    if (board.dataset.canMove !== "true" || typeof Sortable === "undefined") return;
    board.querySelectorAll("[data-cards]").forEach(function (list) {
      Sortable.create(list, {
        group: "deals",
        animation: 150,
        draggable: ".board-card",
        filter: "details, summary, select, button, input, label",
        preventOnFilter: false,
        onEnd: function (event) {
          var item = event.item, from = event.from, to = event.to;
          if (from === to && event.oldIndex === event.newIndex) return;
          var needsReason = to.dataset.kind === "lost" && from !== to;
          var reason = needsReason ? askLostReason() : Promise.resolve("");
          reason.then(function (chosen) {
            if (needsReason && !chosen) {
              putBack(item, from, event.oldIndex);
              return;
            }
            save(board, item, to, chosen).then(
              function (result) {
                if (result.ok) {
                  updateColumns(result.answer.columns || {});
                  document.getElementById("board-error").classList.add("d-none");
                  var title = to.closest("[data-column]").querySelector("h2").textContent.trim();
                  announce((board.dataset.movedText || "").replace("%(stage)s", title));
                } else {
                  putBack(item, from, event.oldIndex);
                  showError(board, (board.dataset.failedText || "") + " " + (result.answer.error || ""));
                }
              },
              function () {
                putBack(item, from, event.oldIndex);
                showError(board, board.dataset.failedText || "");
              }
            );
          });
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-board]").forEach(start);
  });
})();
