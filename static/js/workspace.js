// Small improvements of the item page; everything works without them.
(function () {
  "use strict";
  // After a refused save, bring keyboard and screen-reader users to the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Show the percentage while the operator types; the server computes it again on save.
  var output = document.getElementById("percent-output");
  var numerator = document.getElementById("id_numerator");
  var denominator = document.getElementById("id_denominator");
  if (!output || !numerator || !denominator) { return; }
  var decimals = new Intl.NumberFormat(document.documentElement.lang || "id", {
    minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false
  });
  function number(input) {
    var text = input.value.replace(/\s/g, "").replace(",", ".");
    return /^\d+(\.\d*)?$|^\.\d+$/.test(text) ? parseFloat(text) : NaN;
  }
  function update() {
    var n = number(numerator), d = number(denominator);
    if (isNaN(n) || isNaN(d) || d <= 0) { output.textContent = "—"; return; }
    // The page's language decides the decimal mark, as the server's own number does.
    output.textContent = decimals.format(n * 100 / d) + "%" +
      (n > d ? " " + output.dataset.overLabel : "");
  }
  numerator.addEventListener("input", update);
  denominator.addEventListener("input", update);
  update();  // after a refused save the typed numbers are back in the inputs
}());
