package hub

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/patienthub/patienthub/store"
)

// auditBuffer holds view events (actions ending in ".view") until the audit writer stores them in
// one transaction, so reading a page costs no database write of its own. Changes are never buffered:
// they are audited in the transaction that makes them.
type auditBuffer struct {
	mu      sync.Mutex
	running bool
	pending []store.AuditEvent
}

// auditFlushEvery is how long a view event may wait before it is stored.
const auditFlushEvery = 200 * time.Millisecond

// auditBufferMax is how many view events may wait; past it the request stores them itself.
const auditBufferMax = 2000

// audit records an event. View events wait for the audit writer when one runs.
func (s *Service) audit(ctx context.Context, e store.AuditEvent) {
	e.At = s.now()
	if strings.HasSuffix(e.Action, ".view") {
		s.views.mu.Lock()
		if s.views.running && len(s.views.pending) < auditBufferMax {
			s.views.pending = append(s.views.pending, e)
			s.views.mu.Unlock()
			return
		}
		s.views.mu.Unlock()
	}
	if err := s.Store.AddAudit(ctx, e); err != nil {
		s.Log.Error("audit", "action", e.Action, "err", err)
	}
}

// RunAuditWriter stores buffered view events every 200ms until ctx ends, then stores the rest.
func (s *Service) RunAuditWriter(ctx context.Context) {
	s.views.mu.Lock()
	s.views.running = true
	s.views.mu.Unlock()
	t := time.NewTicker(auditFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.views.mu.Lock()
			s.views.running = false
			s.views.mu.Unlock()
			s.FlushAudit(context.Background())
			return
		case <-t.C:
			s.FlushAudit(ctx)
		}
	}
}

// FlushAudit stores every buffered view event now.
func (s *Service) FlushAudit(ctx context.Context) {
	s.views.mu.Lock()
	batch := s.views.pending
	s.views.pending = nil
	s.views.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, e := range batch {
			if err := tx.AddAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.Log.Error("audit: storing view events", "count", len(batch), "err", err)
		s.views.mu.Lock()
		s.views.pending = append(batch, s.views.pending...)
		s.views.mu.Unlock()
	}
}
