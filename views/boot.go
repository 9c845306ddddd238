package views

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
)

// BootScript is the page's one inline script: it marks <body> before the page paints so
// NHS.UK frontend styles the JavaScript version, as its page template does.
const BootScript = `document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');`

// BootScriptSource is the Content-Security-Policy source that allows exactly BootScript and no
// other inline script. A hash, unlike a nonce, keeps the page the same from one request to the
// next, so a rendered page can be reused.
var BootScriptSource = func() string {
	sum := sha256.Sum256([]byte(BootScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

func bootScript() template.JS { return template.JS(BootScript) }
