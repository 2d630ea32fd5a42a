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
})();
