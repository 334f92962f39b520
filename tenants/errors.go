package tenants

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var (
	// ErrNotFound means the object does not exist in the given tenant. An
	// object that exists in another tenant is reported the same way.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write collides with existing data, such as a
	// duplicate slug or HSA-id.
	ErrConflict = errors.New("conflict")
	// ErrNoTenant means a tenant-scoped operation was attempted without a
	// tenant.
	ErrNoTenant = errors.New("no tenant context")
)

// FieldError is one problem with one input field. Key names a message in
// the user interface's catalogues; Args fill its placeholders.
type FieldError struct {
	Field string
	Key   string
	Args  map[string]any
}

// ValidationError lists everything wrong with an input at once, so a person
// can correct all of it in one go. Nothing has been written when it is
// returned.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Key
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// add records a problem; validate methods collect them and return err().
func (e *ValidationError) add(field, key string, args map[string]any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Key: key, Args: args})
}

// collectValidation returns err, the result of a validate method (nil or a
// *ValidationError), as a *ValidationError that a store's own checks can
// add to.
func collectValidation(err error) *ValidationError {
	if v, ok := err.(*ValidationError); ok {
		return v
	}
	return &ValidationError{}
}

func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// translate maps driver errors onto the package's sentinels, so callers see
// the same error kinds on SQLite and PostgreSQL.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%s: %w (%s)", what, ErrConflict, pgErr.ConstraintName)
		}
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%s: %w", what, ErrConflict)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
