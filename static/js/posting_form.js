// The posting form, enhanced: show only the specialties of the chosen discipline, and
// the stipend fields only for a paid posting. Without this file every specialty and
// field is shown and the server explains what does not fit.
(function () {
  "use strict";
  var form = document.querySelector("[data-posting-form]");
  if (!form) return;

  var discipline = form.querySelector("select[name=discipline]");
  var options = form.querySelectorAll("[data-specialty-option]");
  var note = form.querySelector("[data-specialty-note]");
  var noteText = note ? note.textContent : "";

  function filterSpecialties() {
    var chosen = discipline.value;
    var label = discipline.options[discipline.selectedIndex].text;
    options.forEach(function (option) {
      var input = option.querySelector("input");
      var fits = !chosen || (input.dataset.disciplines || "").split(" ").indexOf(chosen) !== -1;
      // A ticked box that does not fit stays visible, so the person sees what to untick.
      option.hidden = !(fits || input.checked);
    });
    if (note) {
      note.textContent = chosen ? "Showing the specialties practised in " + label + ". Choose one or more." : noteText;
    }
  }
  if (discipline) {
    discipline.addEventListener("change", filterSpecialties);
    filterSpecialties();
  }

  var paid = form.querySelector("input[name=is_paid]");
  var stipend = form.querySelector("[data-stipend]");
  function toggleStipend() {
    var hasError = stipend.querySelector(".is-invalid");
    stipend.hidden = !paid.checked && !hasError;
    if (!paid.checked && !hasError) {
      stipend.querySelectorAll("input, select").forEach(function (field) { field.value = ""; });
    }
  }
  if (paid && stipend) {
    paid.addEventListener("change", toggleStipend);
    toggleStipend();
  }

  var errors = document.getElementById("form-errors");
  if (errors) errors.focus();
})();
