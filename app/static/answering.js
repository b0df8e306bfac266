// After a failed submit the page opens on its error summary: focus moves there, so a screen reader
// reads it first and the keyboard starts from it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();

// Shows and hides conditional questions as answers change. Without JavaScript every question is
// shown and the server ignores answers to questions whose condition does not hold.
(function () {
  "use strict";
  var form = document.querySelector("form.answer-form");
  if (!form) { return; }
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
  if (!conditional.length) { return; }

  function chosen(name) {
    var inputs = form.querySelectorAll("input[name='" + name + "']");
    var values = [];
    for (var i = 0; i < inputs.length; i++) {
      var box = inputs[i].closest(".question");
      if (inputs[i].checked && !(box && box.hidden)) { values.push(inputs[i].value); }
    }
    return values;
  }

  function update() {
    // Document order: a question conditioned on a hidden question is hidden too.
    conditional.forEach(function (box) {
      var codes = box.getAttribute("data-show-codes").split(" ");
      var show = chosen(box.getAttribute("data-show-if")).some(function (v) { return codes.indexOf(v) >= 0; });
      box.hidden = !show;
      box.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !show; });
    });
  }

  form.addEventListener("change", update);
  update();
})();
