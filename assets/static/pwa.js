// Patient Hub as an installable, offline-capable app: registers the service worker, runs the
// "This device" controls on the preferences page (notifications, keeping appointments offline,
// installing), and stops an offline copy of a page from offering actions that need a connection.
// Everything here is an enhancement: without JavaScript the pages say what needs it.

const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null

// The browser's install prompt, kept until the patient asks for it: never shown unasked.
let installPrompt = null
window.addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault()
  installPrompt = event
  showInstall()
})
window.addEventListener('appinstalled', () => {
  installPrompt = null
  showInstall()
})

function register () {
  if (!sw) return
  sw.register('/sw.js', { scope: '/' }).catch(() => {})
}

// ask sends a message to the active service worker and waits for its answer.
async function ask (message) {
  if (!sw) throw new Error('no service worker')
  const reg = await sw.ready
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel()
    const timer = setTimeout(() => reject(new Error('the service worker did not answer')), 30000)
    channel.port1.onmessage = (event) => {
      clearTimeout(timer)
      if (event.data && event.data.error) reject(new Error('the service worker could not do that'))
      else resolve(event.data)
    }
    reg.active.postMessage(message, [channel.port2])
  })
}

function say (el, text) {
  if (el) el.textContent = text
}

// post sends JSON to the hub with the page's CSRF token.
async function post (url, csrf, body) {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body)
  })
  let answer = {}
  try {
    answer = await res.json()
  } catch (err) {
    answer = {}
  }
  if (!res.ok || res.redirected) throw new Error(answer.message || 'Something went wrong. Try again.')
  return answer
}

function applicationServerKey (base64url) {
  const base64 = (base64url + '='.repeat((4 - base64url.length % 4) % 4)).replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
}

async function setUpPush (root) {
  const status = root.querySelector('[data-app-push-status]')
  const on = root.querySelector('[data-app-push-on]')
  const off = root.querySelector('[data-app-push-off]')
  const key = root.dataset.appPushKey
  const csrf = root.dataset.appCsrf
  if (!on || !off) return // opted out: nothing to turn on
  if (!sw || !('PushManager' in window) || !('Notification' in window)) {
    say(status, 'This browser cannot show notifications from Patient Hub. We will keep sending your texts or emails.')
    return
  }
  if (!key) {
    say(status, 'Notifications on devices are not available from this hospital. We will keep sending your texts or emails.')
    return
  }
  const reg = await sw.ready
  const show = (subscription, message) => {
    on.hidden = !!subscription || Notification.permission === 'denied'
    off.hidden = !subscription
    if (message) say(status, message)
    else if (subscription) say(status, 'Notifications are on for this device.')
    else if (Notification.permission === 'denied') say(status, 'Notifications are blocked for Patient Hub in this browser. To get them, allow notifications for this site in the browser\'s settings.')
    else say(status, 'Notifications are off for this device.')
  }
  show(await reg.pushManager.getSubscription())

  on.addEventListener('click', async () => {
    on.disabled = true
    try {
      // Only ever asked here, after the patient pressed the button.
      if (await Notification.requestPermission() !== 'granted') {
        show(null, 'You did not allow notifications, so they are still off for this device.')
        return
      }
      const subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(key) })
      try {
        const answer = await post('/preferences/push', csrf, subscription.toJSON())
        show(subscription, answer.message)
      } catch (err) {
        await subscription.unsubscribe()
        show(null, err.message)
      }
    } catch (err) {
      show(null, 'This device could not be set up for notifications. Try again, or use another browser.')
    } finally {
      on.disabled = false
    }
  })

  off.addEventListener('click', async () => {
    off.disabled = true
    try {
      const subscription = await reg.pushManager.getSubscription()
      if (subscription) {
        await post('/preferences/push/delete', csrf, { endpoint: subscription.endpoint })
        await subscription.unsubscribe()
      }
      show(null, 'Notifications are off for this device.')
    } catch (err) {
      say(status, err.message)
    } finally {
      off.disabled = false
    }
  })
}

function describeOffline (state) {
  if (!state.keep) return 'Your appointments are not kept on this device.'
  if (!state.pages) return 'Your appointments will be kept on this device from now on.'
  return `Your appointments are kept on this device. Last saved ${state.savedWhen}.`
}

async function setUpOffline (root) {
  const box = root.querySelector('[data-app-offline-choice]')
  const status = root.querySelector('[data-app-offline-status]')
  if (!sw || !('caches' in window)) {
    box.disabled = true
    say(status, 'This browser cannot keep pages for when you are offline.')
    return
  }
  try {
    const state = await ask({ type: 'status' })
    box.checked = state.keep
    say(status, describeOffline(state))
  } catch (err) {
    say(status, 'This browser cannot keep pages for when you are offline.')
    return
  }
  box.addEventListener('change', async () => {
    box.disabled = true
    say(status, box.checked ? 'Saving your appointments on this device…' : 'Deleting your appointments from this device…')
    try {
      const state = await ask({ type: 'keep-offline', keep: box.checked })
      box.checked = state.keep
      say(status, state.keep ? describeOffline(state) : 'Your appointments are not kept on this device, and the copies on it were deleted.')
    } catch (err) {
      say(status, 'Something went wrong. Try again.')
    } finally {
      box.disabled = false
    }
  })
}

function showInstall () {
  const box = document.querySelector('[data-app-install]')
  if (box) box.hidden = !installPrompt
}

function setUpInstall (root) {
  const button = root.querySelector('[data-app-install-button]')
  showInstall()
  button.addEventListener('click', async () => {
    if (!installPrompt) return
    const prompt = installPrompt
    installPrompt = null
    await prompt.prompt()
    await prompt.userChoice
    showInstall()
  })
}

// setUpDevice turns on the preferences page's "This device" section.
function setUpDevice () {
  const root = document.querySelector('[data-app-device]')
  if (!root) return
  const nojs = document.querySelector('[data-app-device-nojs]')
  if (nojs) nojs.hidden = true
  root.hidden = false
  setUpInstall(root)
  setUpPush(root).catch(() => say(root.querySelector('[data-app-push-status]'), 'Notifications could not be set up in this browser.'))
  setUpOffline(root).catch(() => say(root.querySelector('[data-app-offline-status]'), 'This browser cannot keep pages for when you are offline.'))
}

// needsConnection disables the forms of a page shown from the device's copy, or while the
// browser knows it is offline, and says why; they come back when the connection does.
function needsConnection (offline) {
  document.querySelectorAll('main form[method="post"]').forEach((form) => {
    form.querySelectorAll('button, input[type="submit"]').forEach((button) => { button.disabled = offline })
    let hint = form.querySelector('.app-needs-connection')
    if (offline && !hint) {
      hint = document.createElement('p')
      hint.className = 'nhsuk-hint app-needs-connection'
      hint.textContent = 'You need an internet connection to do this.'
      form.prepend(hint)
    }
    if (hint) hint.hidden = !offline
  })
}

function watchConnection () {
  const copy = !!document.querySelector('[data-app-offline-copy]')
  needsConnection(copy || navigator.onLine === false)
  window.addEventListener('offline', () => needsConnection(true))
  window.addEventListener('online', () => needsConnection(copy))
}

// Signing out tells the worker at once to delete the personal copies (it also does so itself
// when it sees the sign-out go past).
function watchSignOut () {
  document.querySelectorAll('form[action="/signout"]').forEach((form) => {
    form.addEventListener('submit', () => {
      if (sw && sw.controller) sw.controller.postMessage({ type: 'signed-out' })
    })
  })
}

// On the appointment list, with the patient's choice made, the worker refreshes its copies of
// the appointments' pages.
function refreshCopies () {
  if (!sw || !sw.controller || location.pathname !== '/appointments' || document.querySelector('[data-app-offline-copy]')) return
  sw.controller.postMessage({ type: 'refresh' })
}

function start () {
  register()
  watchConnection()
  watchSignOut()
  setUpDevice()
  refreshCopies()
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true })
else start()
