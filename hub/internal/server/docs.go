package server

import (
	_ "embed"
	"net/http"
)

// redoc is Redoc's standalone bundle (see docs/README.md for its version and licence), embedded so
// that /docs works on a network without internet.
//
//go:embed docs/redoc.standalone.js
var redoc []byte

// docsPage renders /openapi.json with the embedded Redoc.
const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Presence Hub API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/docs/redoc.standalone.js"></script>
<noscript>The machine-readable API document is at <a href="/openapi.json">/openapi.json</a>.</noscript>
</body></html>`

// docsCSP keeps the reference page to the hub's own origin: Redoc styles inline and runs its search in
// a blob worker; its "by Redocly" logo (an image on their CDN) is refused and hides itself.
const docsCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"

// mountDocs serves the API reference and its viewer.
func mountDocs(mux *http.ServeMux) {
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", docsCSP)
		_, _ = w.Write([]byte(docsPage))
	})
	mux.HandleFunc("GET /docs/redoc.standalone.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		_, _ = w.Write(redoc)
	})
}
