// Package storetest opens real, empty, migrated databases for tests: a fresh SQLite file always,
// and a fresh PostgreSQL schema when PATIENTHUB_TEST_POSTGRES_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/patienthub/patienthub/store"
)

// PostgresURLEnv names the variable that points the tests at a PostgreSQL database.
const PostgresURLEnv = "PATIENTHUB_TEST_POSTGRES_URL"

// Dialects lists the databases the tests can use here: SQLite always, PostgreSQL when configured.
// When CI=true and PostgreSQL is not configured, the test fails: CI must test both.
func Dialects(t testing.TB) []store.Dialect {
	t.Helper()
	ds := []store.Dialect{store.SQLite}
	if os.Getenv(PostgresURLEnv) != "" {
		ds = append(ds, store.Postgres)
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI must run the store tests on PostgreSQL too", PostgresURLEnv)
	}
	return ds
}

// ForEach runs fn as a subtest once per available database, each with its own empty store.
func ForEach(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	ds := Dialects(t)
	if len(ds) == 1 {
		t.Logf("PostgreSQL skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run these tests on it too", PostgresURLEnv)
	}
	for _, d := range ds {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// Open returns a migrated, prepared, empty store of the given dialect, removed when the test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	ctx := context.Background()
	dbURL, dataDir := "", t.TempDir()
	if d == store.Postgres {
		dbURL = freshSchema(t)
	}
	s, err := store.Open(ctx, dbURL, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// OpenDefault opens a store on PostgreSQL when configured, else SQLite: for tests that need one database.
func OpenDefault(t testing.TB) *store.Store {
	t.Helper()
	if os.Getenv(PostgresURLEnv) != "" {
		return Open(t, store.Postgres)
	}
	return Open(t, store.SQLite)
}

// freshSchema creates an empty schema in the configured PostgreSQL database and returns a URL
// whose connections use it; the schema is dropped when the test ends.
func freshSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("cannot create a test schema in %s: %v", base, err)
	}
	t.Cleanup(func() {
		db, err := sqlx.Open("postgres", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	return withSearchPath(t, base, schema)
}

func withSearchPath(t testing.TB, base, schema string) string {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		v := u.Query()
		v.Set("search_path", schema)
		u.RawQuery = v.Encode()
		return u.String()
	}
	return fmt.Sprintf("%s search_path=%s", base, schema)
}
