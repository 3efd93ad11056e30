// The page's own behaviour, kept out of the HTML so that the Content-Security-Policy can allow
// no inline script and no eval: no onclick= handlers, no hx-on, no js: values, no trigger
// filters (htmx evaluates those with Function).
(() => {
  // A button with data-dismiss="SELECTOR" removes its closest SELECTOR (a flash, a preview).
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("[data-dismiss]");
    if (button) button.closest(button.dataset.dismiss)?.remove();
  });

  // Escape inside a form that has a data-escape-cancels link clicks that link (Cancel).
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const cancel = event.target.closest?.("form")?.querySelector("[data-escape-cancels]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  // Quick Assign Team: a row's button (class qa) opens the form in its row. The table says the
  // URL once (data-quick-assign, "{id}" for the group's id; the row's tbody says data-row-id),
  // and its hx-target/hx-swap say where the answer goes.
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("button.qa");
    const table = button?.closest("[data-quick-assign]");
    const row = button?.closest("tbody");
    if (!table || !row || !window.htmx) return;
    const url = table.dataset.quickAssign.replace("{id}", row.dataset.rowId);
    button.classList.add("htmx-request");
    htmx.ajax("GET", url, { source: button, target: row, swap: "outerHTML" });
  });

  // A live update never replaces a row that holds an open form (Quick Assign) or is opening
  // one (its request under way, which would then land in the replaced row): the poll that
  // sent the update may have left before the admin clicked.
  document.addEventListener("htmx:before:swap", (event) => {
    const { ctx, tasks } = event.detail;
    if (!ctx?.sourceElement?.dataset?.sendRowIds || !Array.isArray(tasks)) return;
    const busy = ".inline-form, .htmx-request";
    const editing = (task) => task.type === "partial" && task.target?.querySelector(busy);
    for (let i = tasks.length - 1; i >= 0; i--) {
      if (editing(tasks[i])) tasks.splice(i, 1);
    }
  });

  // An element with data-send-row-ids="SELECTOR" sends the ids of the rows SELECTOR matches
  // (their data-row-id) as `ids` with each of its requests (the sync progress poll).
  document.addEventListener("htmx:config:request", (event) => {
    const source = event.detail.ctx.sourceElement;
    const selector = source?.dataset?.sendRowIds;
    if (!selector) return;
    const rows = document.querySelectorAll(selector);
    const ids = Array.from(rows, (row) => row.dataset.rowId).join(",");
    event.detail.ctx.request.body.set("ids", ids);
  });
})();
