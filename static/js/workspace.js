// Small improvements of the item page; everything works without them.
(function () {
  "use strict";
  // After a refused save, bring keyboard and screen-reader users to the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Removing a file and withdrawing a submission ask first; without script they just happen.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // A file above the limit is refused here, before it is sent; the server decides again.
  var file = document.getElementById("id_file");
  if (file && file.dataset.maxBytes) {
    var limit = parseInt(file.dataset.maxBytes, 10);
    var note = document.createElement("div");
    note.className = "invalid-feedback d-block";
    note.id = "id_file_size_error";
    note.setAttribute("role", "alert");
    var check = function () {
      var chosen = file.files && file.files[0];
      var tooLarge = chosen && chosen.size > limit;
      var message = tooLarge ? file.dataset.tooLarge.replace(
        "{size}", (chosen.size / 1048576).toLocaleString(document.documentElement.lang || "id",
          { maximumFractionDigits: 1 })) : "";
      file.setCustomValidity(message);
      file.classList.toggle("is-invalid", !!tooLarge);
      note.textContent = message;
      if (tooLarge && !note.parentNode) { file.insertAdjacentElement("afterend", note); }
      if (!tooLarge && note.parentNode) { note.parentNode.removeChild(note); }
      return !tooLarge;
    };
    file.addEventListener("change", check);
    file.form.addEventListener("submit", function (event) {
      if (!check()) { event.preventDefault(); file.focus(); }
    });
  }

  // Show the percentage while the operator types; the server computes it again on save.
  var output = document.getElementById("percent-output");
  var numerator = document.getElementById("id_numerator");
  var denominator = document.getElementById("id_denominator");
  if (!output || !numerator || !denominator) { return; }
  var decimals = new Intl.NumberFormat(document.documentElement.lang || "id", {
    minimumFractionDigits: 2, maximumFractionDigits: 2
  });
  // The server's number rule (indicators/answers.py), so the preview shows what a save stores:
  // 1.500 and 1.500,25 Indonesian, 1500 and 12.5 plain; 1,500 and 1,234.5 refused (NaN).
  var GROUPED = /^[1-9][0-9]{0,2}(\.[0-9]{3})+$/;
  var INDONESIAN = /^([1-9][0-9]{0,2}(\.[0-9]{3})+(,[0-9]+)?|[0-9]+,[0-9]+)$/;
  var PLAIN = /^[0-9]+(\.[0-9]+)?$/;
  var AMBIGUOUS = /^[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$/;
  var MAX_NUMBER = 999999999999.99;
  // 2.125 is 2125 to an Indonesian reader and 2.125 to an English one: refused in English.
  var ONE_GROUP = /^[1-9][0-9]{0,2}\.[0-9]{3}$/;
  var english = /^en/.test(document.documentElement.lang || "");
  function parseNumber(typed) {
    var text = typed.replace(/[\s\u00a0\u202f]/g, "");
    var sign = /^[+-]/.test(text) ? text.charAt(0) : "";
    var body = sign ? text.slice(1) : text, plain;
    if (AMBIGUOUS.test(body) || (english && ONE_GROUP.test(body))) { return NaN; }
    if (PLAIN.test(body) && !GROUPED.test(body)) { plain = body; }
    else if (INDONESIAN.test(body)) { plain = body.replace(/\./g, "").replace(",", "."); }
    else { return NaN; }
    var fraction = (plain.split(".")[1] || "").replace(/0+$/, "");
    var value = parseFloat(plain);
    if ((sign === "-" && value !== 0) || value > MAX_NUMBER || fraction.length > 2) { return NaN; }
    return value;
  }
  function update() {
    var n = parseNumber(numerator.value), d = parseNumber(denominator.value);
    if (isNaN(n) || isNaN(d) || d <= 0) { output.textContent = "—"; return; }
    // The page's language decides the decimal mark, as the server's own number does.
    output.textContent = decimals.format(n * 100 / d) + "%" +
      (n > d ? " " + output.dataset.overLabel : "");
  }
  numerator.addEventListener("input", update);
  denominator.addEventListener("input", update);
  update();  // after a refused save the typed numbers are back in the inputs
}());
