// Patient Hub service worker.
//
// - The app shell (the hashed CSS, JavaScript and icons) and the offline page are precached.
// - Site pages, directions and maps are public: kept once seen, shown offline.
// - A patient's appointments and letters are personal: kept only after the patient chose
//   "This is my own device" in their preferences, shown offline with a banner saying when they
//   were saved, and deleted on signing out, on turning the choice off, and when the hub shows the
//   sign-in page (the session has ended). Nothing else personal is ever kept.
// - Web push: shows the notification (it only ever says there is an update) and opens the hub's
//   page on a click.
//
// The server writes VERSION (a hash of this script and of every asset URL), PRECACHE (the URLs to
// keep at install) and ICON in front of this file.
/* global VERSION, PRECACHE, ICON */

const SHELL = 'patienthub-shell-' + VERSION
const SITES = 'patienthub-sites'
const PERSONAL = 'patienthub-personal'
const DEVICE = 'patienthub-device'
const CHOICE = '/__patienthub/offline-choice'
const OFFLINE = '/offline'
const MANIFEST = '/manifest.webmanifest'
const SAVED_AT = 'X-Patienthub-Saved-At'
const REFRESH_AFTER = 5 * 60 * 1000
const MAX_PAGES = 50

const personalPath = /^\/(appointments(\/\d+)?|letters(\/\d+(\/file)?)?)$/
const sitePath = /^\/sites(\/\d+(\/maps\/\d+)?)?$/
const letterPage = /^\/letters\/\d+$/

// Bumped whenever personal copies are deleted, so that a copy being saved at that moment is dropped.
let generation = 0

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('patienthub-shell-') && name !== SHELL) await caches.delete(name)
    }
    await self.clients.claim()
  })())
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  const url = new URL(req.url)
  if (url.origin !== self.location.origin || url.pathname.startsWith('/staff') || url.pathname.startsWith('/dev/')) return
  if (req.method !== 'GET') {
    if (url.pathname === '/signout') {
      event.respondWith(forgetPersonal(true).then(() => fetch(req)).catch(() => offlinePage()))
    } else if (req.mode === 'navigate') {
      event.respondWith(fetch(req).catch(() => offlinePage()))
    }
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(req))
  } else if (url.pathname === MANIFEST) {
    event.respondWith(fetch(req).catch(() => caches.match(MANIFEST, { cacheName: SHELL }).then((hit) => hit || Response.error())))
  } else if (url.pathname === OFFLINE) {
    event.respondWith(caches.match(OFFLINE, { cacheName: SHELL }).then((hit) => hit || fetch(req)))
  } else if (sitePath.test(url.pathname)) {
    event.respondWith(networkThenKeep(req))
  } else if (personalPath.test(url.pathname) && req.headers.get('HX-Request') !== 'true') {
    event.respondWith(personal(event, url))
  } else if (url.pathname === '/signin') {
    event.respondWith(signIn(req))
  } else if (req.mode === 'navigate') {
    event.respondWith(fetch(req).catch(() => offlineFallback(url)))
  }
})

// cacheFirst answers hashed assets from the shell, and keeps the few unhashed images the NHS.UK
// stylesheet asks for.
async function cacheFirst (req) {
  const hit = await caches.match(req)
  if (hit) return hit
  const res = await fetch(req)
  if (res.ok) {
    const cache = await caches.open(SHELL)
    await cache.put(req, res.clone())
  }
  return res
}

// networkThenKeep shows the latest site page or map and keeps a copy for when the device is offline.
async function networkThenKeep (req) {
  try {
    const res = await fetch(req)
    if (res.ok && res.type === 'basic') {
      const cache = await caches.open(SITES)
      await cache.put(req, res.clone())
    }
    return res
  } catch (err) {
    const hit = await caches.match(req, { cacheName: SITES })
    return hit || offlineFallback(new URL(req.url), req)
  }
}

// personal answers a patient's own page from the network. With the patient's choice made, it
// keeps a copy; offline, it shows that copy with a banner. A redirect means nobody is signed in
// any more: every copy goes.
async function personal (event, url) {
  const req = event.request
  const gen = generation
  let res
  try {
    res = await fetch(req)
  } catch (err) {
    return savedCopy(url, req)
  }
  if (res.type === 'opaqueredirect' || (res.redirected && new URL(res.url).pathname === '/signin')) {
    await forgetPersonal(false)
    return res
  }
  if (res.ok && !res.redirected && await keeping()) {
    const copy = res.clone()
    event.waitUntil((async () => {
      await keep(url.pathname, copy, gen)
      if (letterPage.test(url.pathname)) {
        // Opening the letter's page has already recorded that the patient read it, so keeping
        // its file as well changes nothing at the hospital.
        await refreshOne(url.pathname + '/file', gen)
      }
    })().catch(() => {}))
  }
  return res
}

// signIn forgets every personal copy when the sign-in form is shown: nobody is signed in.
async function signIn (req) {
  let res
  try {
    res = await fetch(req)
  } catch (err) {
    return offlinePage()
  }
  if (res.ok && !res.redirected && res.type === 'basic') await forgetPersonal(false)
  return res
}

async function keeping () {
  return !!(await caches.match(CHOICE, { cacheName: DEVICE }))
}

// keep stores a copy of a personal page, marked with when it was saved.
async function keep (path, res, gen) {
  const body = await res.arrayBuffer()
  if (gen !== generation || !(await keeping())) return
  const headers = new Headers(res.headers)
  headers.delete('Content-Encoding')
  headers.delete('Content-Length')
  headers.set(SAVED_AT, new Date().toISOString())
  const cache = await caches.open(PERSONAL)
  await cache.put(path, new Response(body, { status: res.status, statusText: res.statusText, headers }))
}

// savedCopy is the kept copy of a personal page, with the offline banner, or the offline page.
async function savedCopy (url, req) {
  if (await keeping()) {
    const hit = await caches.match(url.pathname, { cacheName: PERSONAL })
    if (hit) return withBanner(hit)
  }
  return offlineFallback(url, req)
}

async function withBanner (res) {
  const type = res.headers.get('Content-Type') || ''
  if (!type.startsWith('text/html')) return res
  const savedAt = res.headers.get(SAVED_AT) || ''
  const banner = '<div class="nhsuk-inset-text app-offline-banner" role="status" data-app-offline-copy="' + savedAt + '">' +
    '<span class="nhsuk-u-visually-hidden">Information: </span>' +
    '<p><strong>You are offline — showing what was saved on ' + savedWhen(savedAt) + '.</strong> ' +
    'Confirming, rebooking or cancelling an appointment needs a connection.</p></div>'
  const html = (await res.text()).replace(/<main\b[^>]*>/, (open) => open + banner)
  return new Response(html, { status: res.status, statusText: res.statusText, headers: res.headers })
}

// savedWhen writes a time the NHS way, in UK time: "Monday 14 March 2027 at 2:30pm".
function savedWhen (iso) {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return 'an earlier visit'
  const parts = {}
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
    hour: 'numeric', minute: '2-digit', hour12: true
  })
  for (const p of format.formatToParts(when)) parts[p.type] = p.value
  const period = (parts.dayPeriod || '').toLowerCase().replace(/[^a-z]/g, '')
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${period}`
}

// offlineFallback opens the kept appointments for the start page when there are some, and
// otherwise says the device is offline. Requests that are not page loads just fail.
async function offlineFallback (url, req) {
  if (req && req.mode !== 'navigate') return Response.error()
  if (url.pathname === '/' && await keeping() && await caches.match('/appointments', { cacheName: PERSONAL })) {
    return Response.redirect('/appointments', 302)
  }
  return offlinePage()
}

async function offlinePage () {
  return (await caches.match(OFFLINE, { cacheName: SHELL })) || Response.error()
}

// forgetPersonal deletes every personal copy and, with the choice too, what the patient chose.
async function forgetPersonal (withChoice) {
  generation++
  await caches.delete(PERSONAL)
  if (withChoice) await caches.delete(DEVICE)
}

// refresh keeps the appointment list and the page of every appointment on it, when they were not
// saved in the last few minutes (the list itself always, with force). Letters are kept only once
// the patient has opened them.
async function refresh (force) {
  const gen = generation
  if (!(await keeping())) return
  const list = (await refreshOne('/appointments', gen, force)) || (await caches.match('/appointments', { cacheName: PERSONAL }))
  if (!list) return
  const html = await list.text()
  const paths = new Set()
  for (const m of html.matchAll(/href="(\/appointments\/\d+)"/g)) paths.add(m[1])
  for (const path of [...paths].slice(0, MAX_PAGES)) {
    if (gen !== generation) return
    await refreshOne(path, gen)
  }
}

// refreshOne fetches and keeps one personal page unless a recent copy exists (or force). It
// returns a copy of the response it kept, or null.
async function refreshOne (path, gen, force) {
  if (!force) {
    const hit = await caches.match(path, { cacheName: PERSONAL })
    const savedAt = hit && Date.parse(hit.headers.get(SAVED_AT))
    if (savedAt && Date.now() - savedAt < REFRESH_AFTER) return null
  }
  const res = await fetch(path, { credentials: 'same-origin' })
  if (res.redirected && new URL(res.url).pathname === '/signin') {
    await forgetPersonal(false)
    return null
  }
  if (!res.ok) return null
  await keep(path, res.clone(), gen)
  return res
}

// Messages from the page: the patient's offline choice, sign-out, and what is kept.
self.addEventListener('message', (event) => {
  const msg = event.data || {}
  const reply = (value) => { if (event.ports[0]) event.ports[0].postMessage(value) }
  let work
  switch (msg.type) {
    case 'keep-offline':
      work = setKeeping(!!msg.keep)
      break
    case 'refresh':
      work = refresh(false).catch(() => {})
      break
    case 'signed-out':
      work = forgetPersonal(true)
      break
    default:
      work = Promise.resolve()
  }
  event.waitUntil(work.then(status).then(reply, () => reply({ error: true })))
})

async function setKeeping (on) {
  if (!on) {
    await forgetPersonal(true)
    return
  }
  const cache = await caches.open(DEVICE)
  await cache.put(CHOICE, new Response(JSON.stringify({ since: new Date().toISOString() }),
    { headers: { 'Content-Type': 'application/json' } }))
  await refresh(true).catch(() => {})
}

// status says whether the patient chose to keep their appointments here, and when the latest
// copy was saved.
async function status () {
  const on = await keeping()
  let savedAt = ''
  let pages = 0
  if (on && await caches.has(PERSONAL)) {
    const cache = await caches.open(PERSONAL)
    for (const req of await cache.keys()) {
      const res = await cache.match(req)
      const at = res && res.headers.get(SAVED_AT)
      pages++
      if (at && at > savedAt) savedAt = at
    }
  }
  return { keep: on, pages, savedAt, savedWhen: savedAt ? savedWhen(savedAt) : '' }
}

self.addEventListener('push', (event) => {
  let data = {}
  try {
    data = event.data ? event.data.json() : {}
  } catch (err) {
    data = {}
  }
  const title = typeof data.title === 'string' && data.title ? data.title : 'Patient Hub'
  const body = typeof data.body === 'string' && data.body ? data.body : 'You have an update in Patient Hub'
  event.waitUntil(self.registration.showNotification(title, {
    body, icon: ICON, badge: ICON, tag: 'patienthub-update', renotify: true, data: { path: hubPath(data.url) }
  }))
})

// hubPath is the path of a page of this hub named in a push, or the appointments: a push never
// opens another site.
function hubPath (link) {
  if (typeof link !== 'string' || !link) return '/appointments'
  try {
    const u = new URL(link, self.location.origin)
    if (u.pathname.startsWith('/') && !u.pathname.startsWith('//') && u.pathname !== '/') return u.pathname
  } catch (err) {}
  return '/appointments'
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const target = new URL(hubPath((event.notification.data || {}).path), self.location.origin).href
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
    for (const w of windows) {
      if (w.url === target) return w.focus()
    }
    return self.clients.openWindow(target)
  })())
})
