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
  // Start a download once it is ready: <a href="…" data-autodownload> (a job's result file,
  // when an export went to the worker). Once: the address loses its ?download=1, so a reload
  // of the finished job's page shows the link alone.
  function autodownload(root) {
    var link = root && root.querySelector ? root.querySelector("a[data-autodownload]") : null;
    if (!link || document.documentElement.dataset.downloaded) { return; }
    document.documentElement.dataset.downloaded = "1";
    window.history.replaceState(null, "", window.location.pathname);
    window.location.assign(link.href);
  }
  document.addEventListener("DOMContentLoaded", function () { autodownload(document); });
  document.addEventListener("htmx:load", function (event) { autodownload(event.target); });
  // A page waiting for the worker (a table too long to read in the request) opens the result
  // once its job is done: <a href="…" data-autoreload>, the same address, now kept.
  function autoreload(root) {
    var link = root && root.querySelector ? root.querySelector("a[data-autoreload]") : null;
    if (!link || document.documentElement.dataset.reloaded) { return; }
    document.documentElement.dataset.reloaded = "1";
    window.location.replace(link.href);
  }
  document.addEventListener("DOMContentLoaded", function () { autoreload(document); });
  document.addEventListener("htmx:load", function (event) { autoreload(event.target); });
})();
