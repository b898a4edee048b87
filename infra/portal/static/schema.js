// Starts Swagger UI on the OpenAPI reference page; the document's URL is on the element.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");

  // Swagger UI draws its server picker without a label: name it for assistive technology.
  function labelControls() {
    var servers = root.querySelector("select#servers");
    if (servers && !servers.hasAttribute("aria-label")) {
      servers.setAttribute("aria-label", "Server");
    }
  }

  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: false,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    onComplete: labelControls,
  });
  new MutationObserver(labelControls).observe(root, { childList: true, subtree: true });
})();
