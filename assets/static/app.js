// Patient Hub browser code. Everything here is an enhancement: every page
// works with JavaScript off.
//
// Loaded as <script type="module" data-nhsuk-frontend="…">. NHS.UK frontend
// ships only as an ES module and its URL is content-hashed, so it is imported
// from the URL the layout writes into that data attribute.

const loader = document.querySelector('script[data-nhsuk-frontend]')

function domReady () {
  return new Promise((resolve) => {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', resolve, { once: true })
    } else {
      resolve()
    }
  })
}

// Initialising a scope twice makes NHS.UK frontend report the components
// that are already set up; after an htmx swap that is expected.
function reportInitError (error) {
  if (!error || error.name !== 'InitError') console.error(error)
}

// Elements like <span class="app-code-timer" data-expires-at="2027-03-14T14:35:00Z">
// count down to the expiry time as m:ss; the server-rendered text stays as the
// no-JavaScript version. data-expired-text replaces the text once time is up.
function startCodeTimers (scope) {
  scope.querySelectorAll('.app-code-timer[data-expires-at]').forEach((timer) => {
    if (timer.dataset.timerStarted) return
    const expiresAt = Date.parse(timer.dataset.expiresAt)
    if (Number.isNaN(expiresAt)) return
    timer.dataset.timerStarted = 'true'
    const tick = () => {
      const secondsLeft = Math.max(0, Math.round((expiresAt - Date.now()) / 1000))
      if (secondsLeft === 0) {
        timer.classList.add('app-code-timer--expired')
        if (timer.dataset.expiredText) timer.textContent = timer.dataset.expiredText
        clearInterval(interval)
        return
      }
      const minutes = Math.floor(secondsLeft / 60)
      const seconds = String(secondsLeft % 60).padStart(2, '0')
      timer.textContent = `${minutes}:${seconds}`
    }
    const interval = setInterval(tick, 1000)
    tick()
  })
}

// A swapped-in block that says what just happened (an element with
// data-app-focus and tabindex="-1") takes the focus, so a screen reader reads
// it and keyboard users carry on from there.
function focusMessage (root) {
  const message = root.matches('[data-app-focus]') ? root : root.querySelector('[data-app-focus]')
  if (message && message.isConnected) message.focus()
}

async function start () {
  if (!loader || !document.body.classList.contains('nhsuk-frontend-supported')) return
  const [nhsuk] = await Promise.all([import(loader.dataset.nhsukFrontend), domReady()])
  nhsuk.initAll({ onError: reportInitError })
  startCodeTimers(document)

  // Content swapped in by htmx gets the same behaviour as a full page. The
  // parent is the scope because a swapped element may itself be a component.
  document.addEventListener('htmx:after:process', (event) => {
    const root = event.target
    if (!(root instanceof Element)) return
    const scope = root.parentElement || root
    nhsuk.initAll({ scope, onError: reportInitError })
    startCodeTimers(scope)
    focusMessage(root)
  })
}

start().catch((error) => console.error(error))
