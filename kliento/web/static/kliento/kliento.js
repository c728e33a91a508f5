// Kliento's own behaviour: small, framework-free, loaded with defer (no inline script is allowed).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit")) {
    field.form.requestSubmit();
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.getAttribute("data-copy"));
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.value || source.textContent.trim());
    button.classList.add("btn-success");
  }
});

document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});

// Global search in the top bar: "/" jumps to it (unless typing), arrow keys walk its matches,
// Escape, a click or the focus elsewhere closes them.
function closeSearchResults() {
  const results = document.getElementById("global-search-results");
  if (results) results.replaceChildren();
}

document.addEventListener("keydown", (event) => {
  const box = document.getElementById("global-search");
  const results = document.getElementById("global-search-results");
  if (!box || !results) return;
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"));
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    box.focus();
    box.select();
    return;
  }
  if (target !== box && !results.contains(target)) return;
  if (event.key === "Escape" && results.childElementCount) {
    event.preventDefault();
    closeSearchResults();
    box.focus();
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    const links = [...results.querySelectorAll("a")];
    if (!links.length) return;
    event.preventDefault();
    const current = links.indexOf(document.activeElement);
    const next = event.key === "ArrowDown" ? Math.min(current + 1, links.length - 1) : current - 1;
    if (next < 0) box.focus();
    else links[next].focus();
  }
});

for (const type of ["click", "focusin"]) {
  document.addEventListener(type, (event) => {
    if (!event.target.closest("#global-search-form")) closeSearchResults();
  });
}

// ---- Contact and company lists (customers/_list_*.html) ---------------------------------------
// Row selection and the bulk bar, filter counters, tag colours (CSP forbids style attributes, so
// colours are set here), and showing the list's 400 answers (a bad filter) instead of dropping them.
(() => {
  const rowBoxes = () => [...document.querySelectorAll('input[name="ids"][form="bulk-form"]')];

  const syncSelection = () => {
    const boxes = rowBoxes();
    const checked = boxes.filter((box) => box.checked).length;
    const bar = document.querySelector("[data-bulk-bar]");
    if (bar) bar.hidden = checked === 0; // shown (without JS, always) once rows are ticked
    const count = document.querySelector("[data-bulk-count]");
    if (count) count.textContent = String(checked);
    const apply = document.querySelector("[data-bulk-apply]");
    if (apply) apply.disabled = checked === 0;
    const all = document.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
  };

  const syncBulkValue = () => {
    const action = document.querySelector("[data-bulk-action]");
    if (!action) return;
    document.querySelectorAll("[data-bulk-value]").forEach((group) => {
      const shown = group.dataset.bulkValue.split(" ").includes(action.value);
      group.hidden = !shown;
      group.querySelectorAll("input, select").forEach((field) => {
        field.disabled = !shown;
      });
    });
  };

  const showCount = (badge, count) => {
    if (!badge) return;
    badge.textContent = String(count);
    badge.classList.toggle("d-none", count === 0);
  };

  const countFilters = (form) => {
    let count = 0;
    for (const field of form.elements) {
      if (!field.name || field.disabled || field.type === "hidden" || field.name === "columns") continue;
      if (field.type === "checkbox") count += field.checked ? 1 : 0;
      else if (field.value) count += 1;
    }
    showCount(document.querySelector("[data-filter-count]"), count);
  };

  const paintTags = (root) => {
    root.querySelectorAll(".tag-dot[data-color]").forEach((dot) => {
      if (/^#[0-9a-f]{6}$/i.test(dot.dataset.color)) dot.style.backgroundColor = dot.dataset.color;
    });
  };

  // Phones show each row as a card, each value under its column's name: copy the header's names
  // onto the cells (rows arrive in pages, so on every swap).
  const labelCells = () => {
    document.querySelectorAll("table[data-stack]").forEach((table) => {
      const names = [...table.tHead.rows[0].cells].map((cell) => cell.textContent.trim());
      for (const row of table.tBodies[0].rows) {
        if (row.cells.length !== names.length) continue;
        [...row.cells].forEach((cell, index) => {
          if (names[index] && !cell.dataset.label) cell.dataset.label = names[index];
        });
      }
    });
  };

  const refresh = (root) => {
    labelCells();
    paintTags(root);
    syncSelection();
    syncBulkValue();
  };

  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field.matches("[data-select-all]")) {
      rowBoxes().forEach((box) => {
        box.checked = field.checked;
      });
      syncSelection();
    } else if (field.matches('input[name="ids"]')) {
      syncSelection();
    } else if (field.matches("[data-bulk-action]")) {
      syncBulkValue();
    }
    const choice = field.closest("[data-choice]");
    if (choice) {
      showCount(choice.querySelector("[data-choice-count]"), choice.querySelectorAll("input:checked").length);
    }
    if (field.form && field.form.id === "list-filters") countFilters(field.form);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("[data-bulk-form]")) return;
    const action = form.querySelector("[data-bulk-action]");
    if (action && action.value === "trash" && !window.confirm(form.dataset.confirmTrash)) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", () => refresh(document));
  document.addEventListener("htmx:load", (event) => refresh(event.detail.elt));

  // Keep bookmarkable URLs short: leave out empty filters, and the columns and sort when they are
  // the defaults.
  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt;
    const data = event.detail.formData;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-list-filters]") || !data) return;
    for (const name of new Set(data.keys())) {
      const values = data.getAll(name).filter((value) => value !== "");
      data.delete(name);
      values.forEach((value) => data.append(name, value));
    }
    const columns = new Set(data.getAll("columns"));
    const defaults = new Set(form.dataset.defaultColumns.split(","));
    if (columns.size === defaults.size && [...columns].every((key) => defaults.has(key))) {
      data.delete("columns");
    }
    if (data.get("sort") === form.dataset.defaultSort) data.delete("sort");
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const { xhr, target } = event.detail;
    if (xhr.status === 400 && target && target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

// ---- Customer cards and forms (customers/contact_detail.html, _field_*.html, _panel_*.html) ----
// Inline editing: Escape in a field's small form cancels it (the Cancel button fetches the value
// back). Refusals answered with 409 (a lifecycle change that is not allowed) or 422 are swapped in
// like the 400s above, inside elements marked data-swap-errors, so the message shows where it arose.
(() => {
  // htmx copies a swapped element's old attributes onto the new one while it settles; copying
  // "style" (which browsers' autofill leaves as style="") is an inline style the CSP forbids.
  if (window.htmx) window.htmx.config.attributesToSettle = ["class", "width", "height"];

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const form = event.target instanceof Element && event.target.closest("form[data-inline-edit]");
    const cancel = form && form.querySelector("[data-inline-cancel]");
    if (!cancel) return;
    event.preventDefault();
    cancel.click();
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const { xhr, target } = event.detail;
    if ([400, 409, 422].includes(xhr.status) && target && target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

// ---- Focus (every page) -----------------------------------------------------------------------
// A page that comes back with errors puts focus on its error summary; an htmx swap that replaces
// the focused element (a sort link, "Show more", a panel's submit button) puts focus back on its
// counterpart in the new content (the same data-focus-key or id), on the first invalid field it
// brought, or else on the swapped region, so keyboard and screen-reader users never fall back to
// the top of the page.
(() => {
  let pending = null;

  const focusOn = (element) => {
    if (!element) return false;
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) element.setAttribute("tabindex", "-1");
    element.focus();
    return document.activeElement === element;
  };

  document.addEventListener("DOMContentLoaded", () => {
    const summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const active = document.activeElement;
    const target = event.detail.target;
    if (!target || !active || active === document.body || !target.contains(active)) return;
    pending = {
      key: active.dataset.focusKey || "",
      id: active.id || "",
      fallback: active.dataset.focusFallback || "",
      region: target.id || "",
    };
  });

  document.addEventListener("htmx:afterSettle", () => {
    if (!pending) return;
    const { key, id, fallback, region } = pending;
    pending = null;
    const swapped = region && document.getElementById(region);
    const candidates = [
      swapped && swapped.querySelector("[aria-invalid='true']"),
      key && document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`),
      id && document.getElementById(id),
      fallback && document.querySelector(fallback),
      swapped,
    ];
    for (const candidate of candidates) {
      if (candidate && focusOn(candidate)) return;
    }
  });

  // Links to fields in an error summary move focus to the field, not only the view.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    const field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
    }
  });
})();
