// Loaded first in <body>: GOV.UK Frontend styles its components only when these classes are present.
// A static file rather than an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
