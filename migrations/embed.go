// Package migrations holds the numbered schema changes for each database dialect.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql; both folders carry the same version numbers.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
