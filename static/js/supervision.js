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
