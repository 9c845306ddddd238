package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PushSubscription is one device a patient turned web push notifications on for.
type PushSubscription struct {
	ID            int64        `db:"id"`
	PatientID     int64        `db:"patient_id"`
	Endpoint      string       `db:"endpoint"`
	P256dh        string       `db:"p256dh"`
	Auth          string       `db:"auth"`
	CreatedAt     time.Time    `db:"created_at"`
	LastSuccessAt sql.NullTime `db:"last_success_at"`
}

const pushColumns = `id, patient_id, endpoint, p256dh, auth, created_at, last_success_at`

var (
	qSavePush = q(`INSERT INTO push_subscriptions (patient_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (endpoint) DO UPDATE SET patient_id = excluded.patient_id, p256dh = excluded.p256dh, auth = excluded.auth
		RETURNING id`)
	qPushForPatient    = q(`SELECT ` + pushColumns + ` FROM push_subscriptions WHERE patient_id = ? ORDER BY id`)
	qPushByEndpoint    = q(`SELECT ` + pushColumns + ` FROM push_subscriptions WHERE endpoint = ?`)
	qDeletePush        = q(`DELETE FROM push_subscriptions WHERE endpoint = ?`)
	qDeletePatientPush = q(`DELETE FROM push_subscriptions WHERE patient_id = ? AND endpoint = ?`)
	qTouchPush         = q(`UPDATE push_subscriptions SET last_success_at = ? WHERE endpoint = ?`)
)

// SavePushSubscription stores a device's subscription, or updates it when the endpoint is known
// (a device re-subscribing, or now signed in as another record), and sets its ID.
func (q Queries) SavePushSubscription(ctx context.Context, ps *PushSubscription) error {
	if ps.CreatedAt.IsZero() {
		ps.CreatedAt = time.Now().UTC()
	}
	if err := q.get(ctx, &ps.ID, qSavePush, ps.PatientID, ps.Endpoint, ps.P256dh, ps.Auth, ps.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("store: save push subscription: %w", err)
	}
	return nil
}

// PushSubscriptionsForPatient lists a patient's subscribed devices, oldest first.
func (q Queries) PushSubscriptionsForPatient(ctx context.Context, patientID int64) ([]PushSubscription, error) {
	var ps []PushSubscription
	if err := q.sel(ctx, &ps, qPushForPatient, patientID); err != nil {
		return nil, fmt.Errorf("store: push subscriptions of %d: %w", patientID, err)
	}
	return ps, nil
}

// PushSubscriptionByEndpoint returns the subscription for a push endpoint.
func (q Queries) PushSubscriptionByEndpoint(ctx context.Context, endpoint string) (PushSubscription, error) {
	var ps PushSubscription
	if err := q.get(ctx, &ps, qPushByEndpoint, endpoint); err != nil {
		return ps, notFound(err, "push subscription", "endpoint")
	}
	return ps, nil
}

// DeletePushSubscription removes a subscription the push service no longer knows (404 or 410).
func (q Queries) DeletePushSubscription(ctx context.Context, endpoint string) error {
	if _, err := q.exec(ctx, qDeletePush, endpoint); err != nil {
		return fmt.Errorf("store: delete push subscription: %w", err)
	}
	return nil
}

// DeletePatientPushSubscription removes one of a patient's devices (the patient turned it off).
func (q Queries) DeletePatientPushSubscription(ctx context.Context, patientID int64, endpoint string) error {
	if _, err := q.exec(ctx, qDeletePatientPush, patientID, endpoint); err != nil {
		return fmt.Errorf("store: delete push subscription of %d: %w", patientID, err)
	}
	return nil
}

// TouchPushSubscription records a successful push to endpoint.
func (q Queries) TouchPushSubscription(ctx context.Context, endpoint string, now time.Time) error {
	if _, err := q.exec(ctx, qTouchPush, now.UTC(), endpoint); err != nil {
		return fmt.Errorf("store: touch push subscription: %w", err)
	}
	return nil
}
