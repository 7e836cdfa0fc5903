// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // The language switch submits on change; its button stays for keyboard and no-JS users.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Filters fold behind a "Filters" button on phones only: wider screens open them.
  const wide = window.matchMedia("(min-width: 48rem)");
  const unfold = () => {
    if (!wide.matches) return;
    for (const panel of document.querySelectorAll("details.filters-panel")) panel.open = true;
  };
  wide.addEventListener("change", unfold);
  unfold();
  // A box above a long list of checkboxes narrows it by name (ticked ones stay visible).
  // Without JavaScript the whole list remains.
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  document.querySelectorAll("div.choice-list").forEach((list, n) => {
    const first = list.querySelector("input[data-filter-label]");
    if (!first) return;
    const input = document.createElement("input");
    input.type = "search";
    input.id = `choice-filter-${n}`;
    input.autocomplete = "off";
    input.setAttribute("aria-controls", list.id);
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = first.dataset.filterLabel;
    const wrapper = document.createElement("div");
    wrapper.className = "choice-filter";
    wrapper.append(label, input);
    list.before(wrapper);
    input.addEventListener("input", () => {
      const needle = fold(input.value.trim());
      for (const box of list.querySelectorAll("input[type=checkbox]")) {
        const option = box.closest("label").parentElement;
        option.hidden = Boolean(needle) && !box.checked && !fold(option.textContent).includes(needle);
      }
    });
  });
  // htmx sends the CSRF token from the page with every request.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
});
