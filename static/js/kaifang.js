// Kaifang page behaviour. No inline scripts anywhere (CSP): pages declare intent with data-* attributes.
(function () {
  "use strict";
  // Ask before destructive acts: <form data-confirm="确定删除吗？">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  // Tick or clear every box of a list at once: <input type="checkbox" data-check-all="#form input[name=x]">
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || !box.dataset || !box.dataset.checkAll) { return; }
    document.querySelectorAll(box.dataset.checkAll).forEach(function (item) { item.checked = box.checked; });
  });
  // Put a prepared text into a field: <button data-fill="#form textarea" data-fill-text="…">
  // (reply templates on the appeal page). Asks before replacing what was already typed.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-fill]") : null;
    if (!button) { return; }
    var field = document.querySelector(button.dataset.fill);
    if (!field) { window.alert("当前状态下没有可填写的答复框。"); return; }
    if (field.value.trim() && !window.confirm("答复框中已有内容，确定替换吗？")) { return; }
    field.value = button.dataset.fillText || "";
    field.focus();
  });
  // Follow a job's result link once it appears, whether in the page or in the polled progress:
  // <a href="…" data-autodownload> downloads an export's file (the address loses its
  // ?download=1, so a reload of the finished job's page shows the link alone);
  // <a href="…" data-autoreload> opens a page that waited for the worker (a table too long to
  // read in the request), the same address, now kept.
  var follows = [
    ["a[data-autodownload]", function (link) {
      window.history.replaceState(null, "", window.location.pathname);
      window.location.assign(link.href);
    }],
    ["a[data-autoreload]", function (link) { window.location.replace(link.href); }],
  ];
  function followResult(root) {
    if (!root || !root.querySelector || document.documentElement.dataset.followed) { return; }
    follows.forEach(function (follow) {
      var link = root.querySelector(follow[0]);
      if (!link || document.documentElement.dataset.followed) { return; }
      document.documentElement.dataset.followed = "1";
      follow[1](link);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { followResult(document); });
  document.addEventListener("htmx:load", function (event) { followResult(event.target); });
})();
