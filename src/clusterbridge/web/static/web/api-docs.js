// Starts Swagger UI on the API docs page with the settings the server wrote into the page
// (a script file rather than an inline script, which the content security policy forbids).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  window.ui = SwaggerUIBundle(config);
})();
