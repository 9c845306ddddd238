package hub

import (
	"sync"
	"time"

	"github.com/patienthub/patienthub/store"
)

// listCacheRows is how many appointments a server keeps in all (about 0.5 KB each), whatever
// the number of patients they belong to.
const listCacheRows = 50000

// listCache keeps recently read appointment lists under their patient's appointments_version,
// which the database changes in the same transaction as anything a list shows. A list read after
// the version was read is at least that new, so a list kept under the version a request reads
// (with the session, on every page) is never out of date, on this server or after a change made
// by another one. A list is used only under exactly the version it was kept under.
type listCache struct {
	mu      sync.Mutex
	entries map[int64]listEntry
	rows    int // appointments kept, over every entry
}

type listEntry struct {
	version int64
	since   time.Time           // the list holds every appointment that ends at or after since
	list    []store.Appointment // shared: never changed once kept
}

// get returns the patient's appointments that end at or after since, if they are kept under
// version. The slice may be shared: callers must not change it.
func (c *listCache) get(patientID, version int64, since time.Time) ([]store.Appointment, bool) {
	c.mu.Lock()
	e, ok := c.entries[patientID]
	c.mu.Unlock()
	if !ok || e.version != version || since.Before(e.since) {
		return nil, false
	}
	// Time moves on: leave out what has dropped out of the window since the list was read.
	for i := range e.list {
		if e.list[i].EndsAt.Before(since) {
			kept := make([]store.Appointment, 0, len(e.list))
			for _, a := range e.list {
				if !a.EndsAt.Before(since) {
					kept = append(kept, a)
				}
			}
			return kept, true
		}
	}
	return e.list, true
}

// put keeps a list read at version or later, in place of the patient's previous one; to make
// room, other patients' lists are let go. Versions are random, not ordered: a slow request may
// put back a list of an older version, which only costs the next request a read.
func (c *listCache) put(patientID, version int64, since time.Time, list []store.Appointment) {
	if len(list) > listCacheRows/10 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[int64]listEntry)
	}
	if e, ok := c.entries[patientID]; ok {
		c.rows -= len(e.list)
		delete(c.entries, patientID)
	}
	for id, e := range c.entries { // any: the map's order is random enough
		if c.rows+len(list) <= listCacheRows {
			break
		}
		c.rows -= len(e.list)
		delete(c.entries, id)
	}
	c.entries[patientID] = listEntry{version: version, since: since, list: list}
	c.rows += len(list)
}
