package store

import (
	"context"
	"fmt"
)

var qDeleteSetting = q(`DELETE FROM settings WHERE key = ?`)

// DeleteSetting removes a stored setting; a missing one is not an error.
func (q Queries) DeleteSetting(ctx context.Context, key string) error {
	if _, err := q.exec(ctx, qDeleteSetting, key); err != nil {
		return fmt.Errorf("store: delete setting %s: %w", key, err)
	}
	return nil
}
