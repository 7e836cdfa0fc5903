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
  // htmx sends the CSRF token from the page with every request.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
});
