// A filter box above the partner candidates: typing hides the clusters whose name does not
// contain the text (chosen ones stay visible). Without JavaScript the full list remains.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_partner_candidates");
  if (!select) return;
  const label = document.createElement("label");
  label.htmlFor = "partner-filter";
  label.textContent = select.dataset.filterLabel || "Filter";
  const input = document.createElement("input");
  input.type = "search";
  input.id = "partner-filter";
  input.autocomplete = "off";
  const wrapper = document.createElement("div");
  wrapper.className = "partner-filter";
  wrapper.append(label, input);
  select.before(wrapper);
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  input.addEventListener("input", () => {
    const needle = fold(input.value.trim());
    for (const option of select.options) {
      option.hidden = Boolean(needle) && !option.selected && !fold(option.text).includes(needle);
    }
  });
});
