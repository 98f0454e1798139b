// Survey form: ask before the final submit (answers cannot change afterwards),
// saying how many questions are still blank. Saving a draft needs no question.
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-form]");
  if (!form) {
    return;
  }
  function blankCount() {
    var blank = 0;
    form.querySelectorAll("fieldset.item").forEach(function (set) {
      if (!set.querySelector("input[type=radio]:checked")) {
        blank += 1;
      }
    });
    form.querySelectorAll(".item-text textarea").forEach(function (area) {
      if (!area.value.trim()) {
        blank += 1;
      }
    });
    return blank;
  }
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.value !== "submit") {
      return;
    }
    var blank = blankCount();
    var question = "Submit your answers? After submitting you cannot change them.";
    if (blank) {
      question = blank + (blank === 1 ? " question is" : " questions are") +
        " still blank. " + question;
    }
    if (!window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
