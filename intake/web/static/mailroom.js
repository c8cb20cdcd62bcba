// The verification queue from the keyboard alone. The Accept button has the focus, so Enter
// accepts; the digits 1-9 pick a suggestion; any other character starts a correction (the focus
// moves to the box before the character lands); Esc skips, or leaves the correction box.
// Without this script the page still works: plain buttons, accesskeys and Tab.
(function () {
  "use strict";

  function panel() {
    return document.getElementById("verify-panel");
  }

  function typingIn(target) {
    return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
  }

  document.addEventListener("keydown", function (event) {
    var here = panel();
    if (!here || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    if (typingIn(event.target)) {
      if (event.key === "Escape") {
        event.target.value = "";
        var accept = here.querySelector("[data-accept]");
        if (accept) accept.focus();
      }
      return;
    }
    if (/^[1-9]$/.test(event.key)) {
      var pick = here.querySelector('[data-suggestion="' + event.key + '"]');
      if (pick) {
        event.preventDefault();
        pick.click();
        return;
      }
    }
    if (event.key === "Escape") {
      var skip = here.querySelector("[data-skip]");
      if (skip) {
        event.preventDefault();
        skip.click();
      }
      return;
    }
    if (event.key.length === 1 && event.key !== " ") {
      var box = here.querySelector("[data-correction]");
      if (box) box.focus();
    }
  });

  // The next field arrives by an HTMX swap: put the focus back on its Accept button.
  document.addEventListener("htmx:afterSettle", function () {
    var here = panel();
    var first = here && here.querySelector("[autofocus]");
    if (first) first.focus();
  });
})();
