// The weighted total while the juror types: each score scaled to its range, weighted, as a
// percentage; the same formula as `selectors.weighted_total`, which computes it again on save.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("review-form");
  const output = document.getElementById("review-total");
  if (!form || !output) return;
  const inputs = Array.from(form.querySelectorAll("input.review-score"));
  // Written like the server writes it in the page's language (70.00, 70,00).
  const format = new Intl.NumberFormat(document.documentElement.lang || "en", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const update = () => {
    let weights = 0;
    let total = 0;
    for (const input of inputs) {
      const weight = Number(input.dataset.weight);
      const min = Number(input.dataset.min);
      const max = Number(input.dataset.max);
      const value = input.value === "" ? NaN : Number(input.value);
      if (Number.isNaN(value) || value < min || value > max) {
        output.textContent = "–";
        return;
      }
      weights += weight;
      total += (weight * (value - min)) / (max - min);
    }
    output.textContent = weights ? format.format((total / weights) * 100) : "–";
  };
  for (const input of inputs) input.addEventListener("input", update);
  update();
});
