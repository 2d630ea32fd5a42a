// 督查督办: fill the split position from the cursor in a candidate's text box.
(function () {
  "use strict";
  function track(event) {
    var box = event.target;
    if (!box || box.tagName !== "TEXTAREA" || !box.id) { return; }
    var input = document.querySelector('[data-split-for="' + box.id.replace(/^id_/, "") + '"]');
    if (input && box.selectionStart > 0) { input.value = box.selectionStart; }
  }
  document.addEventListener("click", track);
  document.addEventListener("keyup", track);
})();

// 督查督办: an enterprise ticked in the picker's search results joins the chosen list, so a
// new search does not drop it.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || !box.hasAttribute || !box.hasAttribute("data-picker-option") || !box.checked) { return; }
    var picker = box.closest(".sv-picker");
    var chosen = picker && picker.querySelector("[data-picker-chosen]");
    if (!chosen) { return; }
    if (chosen.querySelector('input[value="' + box.value + '"]')) { box.closest("li").remove(); return; }
    box.removeAttribute("data-picker-option");
    chosen.appendChild(box.closest("li"));
  });
})();
