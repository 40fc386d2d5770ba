// Click-to-load players for external videos. Nothing from the video host loads with the page:
// the page shows a poster and a link; this script reveals a "Play here" button, and only a
// press on it creates the host's player (an iframe). Without JavaScript the link still works.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.embed-play[data-embed]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    var note = button.parentNode.querySelector(".embed-note");
    if (note) note.hidden = false;
    button.addEventListener("click", function () {
      var address = button.getAttribute("data-embed");
      if (!/^https:\/\//.test(address)) return;
      var frame = document.createElement("iframe");
      frame.src = address;
      frame.title = button.getAttribute("data-title") || "";
      frame.className = "embed-frame";
      frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media");
      frame.setAttribute("allowfullscreen", "");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      var slot = button.parentNode;
      slot.replaceChildren(frame);
      frame.focus();
    });
  });
})();
