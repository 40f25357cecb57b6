/* Tandem's own script, loaded from a file (no inline handlers, so a strict Content-Security-Policy
   can forbid inline script). Every page works without it; it only adds comfort:
   - the menu button folds the account links and the programme's menu away on a phone;
   - a <select data-autosubmit> sends its form as soon as a choice is made;
   - a <button data-copy="id" hidden> appears and copies the text of field #id (the calendar link). */
"use strict";
document.documentElement.classList.add("js");

function setMenu(open) {
  document.documentElement.classList.toggle("menu-open", open);
  document.querySelectorAll("[data-menu-toggle]").forEach(function (button) {
    button.setAttribute("aria-expanded", String(open));
  });
}

document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-menu-toggle]");
  if (button) {
    setMenu(!document.documentElement.classList.contains("menu-open"));
  }
});

document.addEventListener("keydown", function (event) {
  if (event.key === "Escape" && document.documentElement.classList.contains("menu-open")) {
    setMenu(false);
    var button = document.querySelector("[data-menu-toggle]");
    if (button) { button.focus(); }
  }
});

document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(showCopyButton);
});

function showCopyButton(button) {
  if (!navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    field.select();
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.getAttribute("data-copied") || button.textContent;
    });
  });
}
