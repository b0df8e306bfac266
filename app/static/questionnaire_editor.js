// The YAML editor: line numbers beside the text, problems that jump to their line, and a copy of the
// typed text kept in this browser until it is published, so a lost page or session never loses it.
(function () {
  "use strict";
  var form = document.querySelector("form.editor-form");
  if (!form) { return; }
  var area = form.querySelector("textarea");
  var gutter = form.querySelector(".gutter");
  var key = "boelge-yaml:" + form.getAttribute("data-draft-key");

  function renumber() {
    var count = area.value.split("\n").length;
    var lines = [];
    for (var i = 1; i <= count; i++) { lines.push(i); }
    gutter.textContent = lines.join("\n") + "\n";
    gutter.scrollTop = area.scrollTop;
  }

  function goTo(line) {
    var rows = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < rows.length; i++) { start += rows[i].length + 1; }
    area.focus();
    area.setSelectionRange(start, start + (rows[line - 1] || "").length);
    var height = area.scrollHeight / Math.max(rows.length, 1);
    area.scrollTop = Math.max(0, (line - 3) * height);
    renumber();
  }

  area.addEventListener("input", function () {
    renumber();
    try { window.localStorage.setItem(key, area.value); } catch (e) { /* storage may be off */ }
  });
  area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
  document.querySelectorAll("a.goto-line").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      goTo(parseInt(link.getAttribute("data-line"), 10));
    });
  });
  document.querySelectorAll("form.preview-form").forEach(function (preview) {
    preview.addEventListener("submit", function (event) { event.preventDefault(); });
  });
  if (document.querySelector("[data-published]")) {
    try { window.localStorage.removeItem(key); } catch (e) { /* storage may be off */ }
  }
  var draft = null;
  try { draft = window.localStorage.getItem(key); } catch (e) { /* storage may be off */ }
  if (form.hasAttribute("data-fresh") && draft !== null && draft !== area.value) {
    var offer = document.createElement("p");
    offer.className = "flash restore";
    offer.setAttribute("role", "status");
    offer.textContent = form.getAttribute("data-restore-text") + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = form.getAttribute("data-restore-button");
    button.addEventListener("click", function () { area.value = draft; renumber(); offer.remove(); area.focus(); });
    offer.appendChild(button);
    form.parentNode.insertBefore(offer, form);
  }
  renumber();
})();
