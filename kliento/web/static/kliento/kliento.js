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

// ---- Lists of any kind of record (core/lists/*.html) ---------------------------------------
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
    const confirmed = (form.dataset.confirmActions || "").split(" ");
    if (action && confirmed.includes(action.value) && !window.confirm(form.dataset.confirmTrash)) {
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

// ---- App shell (web/base.html) ------------------------------------------------------------------
// The sidebar's collapse button remembers its state in a cookie the server reads, so the next page
// is drawn collapsed from the start; a collapsed rail shows each label as a tooltip beside its icon.
(() => {
  const COOKIE = "kliento_sidebar";

  // With no choice made yet ("is-auto"), the sidebar is a rail on narrower screens (kliento.css).
  const AUTO_RAIL = "(min-width: 576px) and (max-width: 1499.98px)";
  const isCollapsed = (shell) =>
    shell.classList.contains("is-collapsed") ||
    (shell.classList.contains("is-auto") && window.matchMedia(AUTO_RAIL).matches);

  const syncToggle = () => {
    const shell = document.querySelector("[data-app-shell]");
    const toggle = document.querySelector("[data-sidebar-toggle]");
    if (shell && toggle) toggle.setAttribute("aria-pressed", String(isCollapsed(shell)));
  };
  document.addEventListener("DOMContentLoaded", syncToggle);
  window.matchMedia(AUTO_RAIL).addEventListener("change", syncToggle);

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-sidebar-toggle]");
    if (!toggle) return;
    const shell = document.querySelector("[data-app-shell]");
    const value = isCollapsed(shell) ? "expanded" : "collapsed";
    shell.classList.remove("is-auto", "is-collapsed", "is-expanded");
    shell.classList.add(`is-${value}`);
    toggle.setAttribute("aria-pressed", String(value === "collapsed"));
    document.cookie = `${COOKIE}=${value}; path=/; max-age=31536000; SameSite=Lax`;
  });

  const placeTip = (event) => {
    const item = event.target instanceof Element && event.target.closest(".sidebar-link, .sidebar-toggle");
    if (!item) return;
    const box = item.getBoundingClientRect();
    item.style.setProperty("--k-tip-top", `${box.top + box.height / 2}px`);
  };
  document.addEventListener("mouseover", placeTip);
  document.addEventListener("focusin", placeTip);

  // On a phone the sidebar is a drawer (a dialog while open), which needs a name.
  document.addEventListener("show.bs.offcanvas", (event) => {
    const nav = event.target.querySelector("nav[aria-label]");
    if (nav) event.target.setAttribute("aria-label", nav.getAttribute("aria-label"));
  });
  document.addEventListener("hidden.bs.offcanvas", (event) => event.target.removeAttribute("aria-label"));
})();

// ---- Command palette (Ctrl/⌘-K) -----------------------------------------------------------------
// A modal <dialog> with an ARIA combobox: focus stays in the input, the arrow keys move the active
// option (aria-activedescendant), Enter opens it, Escape closes the dialog and focus returns to
// where it was. The options come from the server (core:palette) through htmx.
(() => {
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  let returnTo = null;

  const parts = () => {
    const dialog = document.querySelector("[data-palette]");
    return dialog ? { dialog, input: dialog.querySelector("[data-palette-input]") } : null;
  };
  const options = (dialog) => [...dialog.querySelectorAll("[data-palette-option]")];

  const activate = (dialog, input, option) => {
    for (const other of options(dialog)) other.setAttribute("aria-selected", String(other === option));
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const open = () => {
    const found = parts();
    if (!found || found.dialog.open) return;
    const { dialog, input } = found;
    returnTo = document.activeElement;
    dialog.showModal();
    input.value = "";
    input.focus();
    if (window.htmx) window.htmx.trigger(input, "palette:open");
  };

  document.addEventListener("DOMContentLoaded", () => {
    if (isMac) document.querySelectorAll("[data-shortcut]").forEach((key) => { key.textContent = "⌘K"; });
  });

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k") {
      const found = parts();
      if (!found) return;
      event.preventDefault();
      if (found.dialog.open) found.dialog.close();
      else open();
    }
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-palette-open]")) {
      event.preventDefault();
      open();
      return;
    }
    const found = parts();
    if (!found || !found.dialog.open) return;
    // A click on the backdrop (the dialog element itself, outside its content) or on the close button.
    if (event.target === found.dialog || event.target.closest("[data-palette-close]")) found.dialog.close();
  });

  document.addEventListener("keydown", (event) => {
    const found = parts();
    if (!found || !found.dialog.open || !found.dialog.contains(event.target)) return;
    const { dialog, input } = found;
    if (event.key === "Tab") {
      // Focus stays inside: the input and the close button take turns.
      const stops = [input, dialog.querySelector("[data-palette-close]")].filter(Boolean);
      const next = (stops.indexOf(document.activeElement) + (event.shiftKey ? -1 : 1) + stops.length) % stops.length;
      event.preventDefault();
      stops[next].focus();
      return;
    }
    if (event.target !== input) return;
    const all = options(dialog);
    const current = all.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(dialog, input, all[(current + step + all.length) % all.length]);
    } else if (event.key === "Home" && event.ctrlKey && all.length) {
      event.preventDefault();
      activate(dialog, input, all[0]);
    } else if (event.key === "End" && event.ctrlKey && all.length) {
      event.preventDefault();
      activate(dialog, input, all[all.length - 1]);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      window.location.assign(all[current].href);
    }
  });

  // Each new list of options starts with its first one active; the combobox says it is expanded.
  document.addEventListener("htmx:afterSwap", (event) => {
    const found = parts();
    if (!found || event.detail.target.id !== "palette-body") return;
    const { dialog, input } = found;
    const all = options(dialog);
    input.setAttribute("aria-expanded", String(all.length > 0));
    activate(dialog, input, all[0] || null);
  });

  document.addEventListener("mousemove", (event) => {
    const option = event.target instanceof Element && event.target.closest("[data-palette-option]");
    const found = parts();
    if (option && found && option.getAttribute("aria-selected") !== "true") activate(found.dialog, found.input, option);
  });

  document.addEventListener("close", (event) => {
    const found = parts();
    if (!found || event.target !== found.dialog) return;
    found.input.setAttribute("aria-expanded", "false");
    found.input.removeAttribute("aria-activedescendant");
    if (returnTo && returnTo.isConnected) returnTo.focus();
    returnTo = null;
  }, true);
})();
