// Package store reads and writes the hub's data in PostgreSQL or the embedded SQLite database.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // embedded SQLite driver

	"github.com/patienthub/patienthub/migrations"
)

// Dialect names the SQL database in use.
type Dialect string

// The two supported databases.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Sentinel errors returned (wrapped) by store methods.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

func init() { sqlx.BindDriver("sqlite", sqlx.QUESTION) }

// Store is the hub's database. Its methods are safe for concurrent use.
type Store struct {
	Queries
	db      *sqlx.DB
	dialect Dialect
	stmts   []*sqlx.Stmt
}

// Open connects to PostgreSQL when databaseURL is set, otherwise to the SQLite file
// patienthub.db inside dataDir (created if missing). It does not migrate or prepare.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	var (
		db      *sqlx.DB
		err     error
		dialect Dialect
	)
	if databaseURL != "" {
		dialect = Postgres
		db, err = sqlx.Open("postgres", databaseURL)
		if err == nil {
			db.SetMaxOpenConns(25)
			db.SetMaxIdleConns(25)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		dialect = SQLite
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: data folder %s: %w", dataDir, err)
		}
		db, err = sqlx.Open("sqlite", sqliteDSN(filepath.Join(dataDir, "patienthub.db")))
		if err == nil {
			db.SetMaxOpenConns(8)
			db.SetMaxIdleConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach the %s database: %w", dialect, err)
	}
	s := &Store{db: db, dialect: dialect}
	s.Queries = Queries{s: s}
	return s, nil
}

func sqliteDSN(path string) string {
	v := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "temp_store(MEMORY)"} {
		v.Add("_pragma", p)
	}
	v.Set("_time_format", "sqlite")
	v.Set("_timezone", "UTC")
	v.Set("_txlock", "immediate")
	// The path is a URI path: characters with a meaning in URIs must not cut it short.
	escaped := strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F").Replace(path)
	return "file:" + escaped + "?" + v.Encode()
}

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the connection pool for tests and tools that need raw SQL.
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes prepared statements and the pool.
func (s *Store) Close() error {
	for _, st := range s.stmts {
		if st != nil {
			st.Close()
		}
	}
	return s.db.Close()
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *Store) migrationProvider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations.FS, string(s.dialect))
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.db.DB, sub, opts...)
}

// Migrate applies every pending migration and returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.migrationProvider()
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("store: migrate: %w", err)
	}
	return len(res), nil
}

// SchemaVersion returns the database's schema version and the version this binary expects.
func (s *Store) SchemaVersion(ctx context.Context) (current, expected int64, err error) {
	p, err := s.migrationProvider()
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrations: %w", err)
	}
	return p.GetVersions(ctx)
}

// Prepare prepares every query the store knows. A typo in any query fails here, at start.
func (s *Store) Prepare(ctx context.Context) error {
	cur, want, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur != want {
		return fmt.Errorf("store: database schema is at version %d but this binary needs %d: run `patienthub migrate`", cur, want)
	}
	s.stmts = make([]*sqlx.Stmt, len(registry))
	for i, q := range registry {
		text := q.pg
		if s.dialect == SQLite && q.lite != "" {
			text = q.lite
		}
		st, err := s.db.PreparexContext(ctx, s.db.Rebind(text))
		if err != nil {
			return fmt.Errorf("store: prepare %q: %w", strings.Join(strings.Fields(text), " "), err)
		}
		s.stmts[i] = st
	}
	return nil
}

// query identifies a registered statement.
type query int

type queryText struct{ pg, lite string }

var registry []queryText

// q registers one SQL text used by both dialects (written with ? placeholders).
func q(text string) query { return qd(text, "") }

// qd registers a statement whose text differs by dialect; lite may be "" to reuse pg.
func qd(pg, lite string) query {
	registry = append(registry, queryText{pg: pg, lite: lite})
	return query(len(registry) - 1)
}

// Queries runs the registered statements, either on the pool or inside one transaction.
type Queries struct {
	s  *Store
	tx *sqlx.Tx
}

func (q Queries) stmt(ctx context.Context, id query) *sqlx.Stmt {
	st := q.s.stmts[id]
	if st == nil {
		panic("store: statements not prepared")
	}
	if q.tx != nil {
		return q.tx.StmtxContext(ctx, st)
	}
	return st
}

func (q Queries) get(ctx context.Context, dest any, id query, args ...any) error {
	return q.stmt(ctx, id).GetContext(ctx, dest, args...)
}

func (q Queries) sel(ctx context.Context, dest any, id query, args ...any) error {
	return q.stmt(ctx, id).SelectContext(ctx, dest, args...)
}

func (q Queries) exec(ctx context.Context, id query, args ...any) (int64, error) {
	res, err := q.stmt(ctx, id).ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Tx is one database transaction; it has every store method.
type Tx struct{ Queries }

// InTx runs fn in one transaction, committed when fn returns nil and rolled back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
		}
	}()
	if err = fn(&Tx{Queries{s: s, tx: sqlTx}}); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// notFound turns sql.ErrNoRows into ErrNotFound with context.
func notFound(err error, what string, id any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s %v: %w", what, id, ErrNotFound)
	}
	return fmt.Errorf("store: %s %v: %w", what, id, err)
}

// isUniqueViolation reports whether err is a unique-constraint failure on either database.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "duplicate key value")
}
