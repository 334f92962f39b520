package tenants

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// AgreementEvent is one entry in an agreement's change history.
type AgreementEvent struct {
	bun.BaseModel `bun:"table:agreement_events"`

	ID          int64 `bun:"id,pk,autoincrement"`
	TenantID    int64 `bun:"tenant_id,notnull"`
	AgreementID int64 `bun:"agreement_id,notnull"`
	// UserID is who made the change; nil for the system.
	UserID  *int64             `bun:"user_id"`
	At      time.Time          `bun:"at,notnull"`
	Kind    AgreementEventKind `bun:"kind,notnull"`
	Changes []FieldChange      `bun:"changes,notnull"`
}

// AgreementEventKind says what happened to an agreement.
type AgreementEventKind string

const (
	EventCreated         AgreementEventKind = "created"
	EventUpdated         AgreementEventKind = "updated"
	EventStatusChanged   AgreementEventKind = "status"
	EventDocumentAdded   AgreementEventKind = "document_added"
	EventDocumentRemoved AgreementEventKind = "document_removed"
)

// FieldChange is one field's value before and after a change, as JSON
// (absent for no value). Lists — parties, units, funding, commitments,
// positions — change as a whole.
type FieldChange struct {
	Field string          `json:"field"`
	From  json.RawMessage `json:"from,omitempty"`
	To    json.RawMessage `json:"to,omitempty"`
}

// agreementParty and agreementUnit are the rows of the two join tables.
type agreementParty struct {
	bun.BaseModel `bun:"table:agreement_parties"`

	TenantID       int64 `bun:"tenant_id,pk"`
	AgreementID    int64 `bun:"agreement_id,pk"`
	OrganisationID int64 `bun:"organisation_id,pk"`
}

type agreementUnit struct {
	bun.BaseModel `bun:"table:agreement_units"`

	TenantID    int64 `bun:"tenant_id,pk"`
	AgreementID int64 `bun:"agreement_id,pk"`
	UnitID      int64 `bun:"unit_id,pk"`
}

// AgreementStore keeps a region's IOP agreements, their documents and
// their change history. Methods that change an agreement take the acting
// user's id for the history (0 for the system).
type AgreementStore struct {
	db  *DB
	now func() time.Time
}

// NewAgreementStore returns an AgreementStore on db.
func NewAgreementStore(db *DB) *AgreementStore {
	return &AgreementStore{db: db, now: time.Now}
}

// Create adds an agreement as a draft, with its lists, and records it in
// the history. It returns a *ValidationError for bad fields, including
// parties or units that are not the region's (validation.scope_organisation,
// validation.scope_unit).
func (s *AgreementStore) Create(ctx context.Context, tenantID, actorID int64, a Agreement) (Agreement, error) {
	verr := a.Validate()
	now := s.now().UTC()
	a.ID, a.TenantID, a.Status, a.CreatedAt, a.UpdatedAt = 0, tenantID, AgreementDraft, now, now
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := checkAgreementScope(ctx, tx, tenantID, &a, verr); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&a).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create agreement")
		}
		if err := insertAgreementLists(ctx, tx, &a); err != nil {
			return err
		}
		return recordAgreementEvent(ctx, tx, a.TenantID, a.ID, actorID, now, EventCreated,
			diffSummaries(map[string]any{}, a.summary()))
	})
	if err != nil {
		return Agreement{}, err
	}
	return a, nil
}

// Update replaces an agreement's fields and lists, and records what changed
// in the history; the status changes only through SetStatus. It returns a
// *ValidationError for bad fields or an ended agreement
// (validation.agreement_ended), and ErrNotFound for an agreement not in the
// region.
func (s *AgreementStore) Update(ctx context.Context, tenantID, actorID int64, a Agreement) (Agreement, error) {
	verr := a.Validate()
	var out Agreement
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		old, err := lockAgreement(ctx, tx, tenantID, a.ID)
		if err != nil {
			return err
		}
		if err := loadAgreementLists(ctx, tx, tenantID, []*Agreement{&old}); err != nil {
			return err
		}
		if old.Status == AgreementEnded {
			return fieldProblem("status", "validation.agreement_ended", nil)
		}
		if err := checkAgreementScope(ctx, tx, tenantID, &a, verr); err != nil {
			return err
		}
		changes := diffSummaries(old.summary(), a.summary())
		if len(changes) == 0 {
			out = old
			return nil
		}
		now := s.now().UTC()
		a.TenantID, a.UpdatedAt = tenantID, now
		if _, err := tx.NewUpdate().Model(&a).
			Column("title", "reference", "committee", "purpose", "goals", "starts_on", "ends_on",
				"notice_months", "reporting_cadence", "target_groups", "updated_at").
			Where("tenant_id = ? AND id = ?", tenantID, a.ID).Exec(ctx); err != nil {
			return translate(err, "update agreement")
		}
		if err := deleteAgreementLists(ctx, tx, tenantID, a.ID); err != nil {
			return err
		}
		if err := insertAgreementLists(ctx, tx, &a); err != nil {
			return err
		}
		if err := recordAgreementEvent(ctx, tx, tenantID, a.ID, actorID, now, EventUpdated, changes); err != nil {
			return err
		}
		out, err = loadAgreement(ctx, tx, tenantID, a.ID)
		return err
	})
	if err != nil {
		return Agreement{}, err
	}
	return out, nil
}

// SetStatus moves an agreement one step along its lifecycle (see
// AgreementStatus.Next) and records it in the history. It returns a
// *ValidationError (field "status", validation.transition, Args From and
// To) for any other move, and ErrNotFound for an agreement not in the
// region.
func (s *AgreementStore) SetStatus(ctx context.Context, tenantID, actorID, id int64, to AgreementStatus) (Agreement, error) {
	var out Agreement
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		a, err := lockAgreement(ctx, tx, tenantID, id)
		if err != nil {
			return err
		}
		if next, ok := a.Status.Next(); !ok || next != to {
			return fieldProblem("status", "validation.transition", map[string]any{"From": string(a.Status), "To": string(to)})
		}
		now := s.now().UTC()
		if _, err := tx.NewUpdate().Model((*Agreement)(nil)).Set("status = ?", to).Set("updated_at = ?", now).
			Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx); err != nil {
			return translate(err, "set agreement status")
		}
		change := FieldChange{Field: "status", From: mustJSON(a.Status), To: mustJSON(to)}
		if err := recordAgreementEvent(ctx, tx, tenantID, id, actorID, now, EventStatusChanged, []FieldChange{change}); err != nil {
			return err
		}
		out, err = loadAgreement(ctx, tx, tenantID, id)
		return err
	})
	return out, err
}

// DeleteDraft deletes an agreement that never took effect, with its lists,
// documents and history. It returns a *ValidationError (field "status",
// validation.delete_draft_only) for an agreement past the draft stage, and
// ErrNotFound for one not in the region.
func (s *AgreementStore) DeleteDraft(ctx context.Context, tenantID, id int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		a, err := lockAgreement(ctx, tx, tenantID, id)
		if err != nil {
			return err
		}
		if a.Status != AgreementDraft {
			return fieldProblem("status", "validation.delete_draft_only", nil)
		}
		_, err = tx.NewDelete().Model((*Agreement)(nil)).Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx)
		return translate(err, "delete agreement")
	})
}

// Agreement returns one agreement of the region with its lists, or
// ErrNotFound.
func (s *AgreementStore) Agreement(ctx context.Context, tenantID, id int64) (Agreement, error) {
	var a Agreement
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		a, err = loadAgreement(ctx, tx, tenantID, id)
		return err
	})
	return a, err
}

// Agreements lists the region's agreements with their lists, latest start
// first.
func (s *AgreementStore) Agreements(ctx context.Context, tenantID int64) ([]Agreement, error) {
	var list []Agreement
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&list).Where("tenant_id = ?", tenantID).
			Order("starts_on DESC", "title", "id").Scan(ctx); err != nil {
			return translate(err, "list agreements")
		}
		ptrs := make([]*Agreement, len(list))
		for i := range list {
			ptrs[i] = &list[i]
		}
		return loadAgreementLists(ctx, tx, tenantID, ptrs)
	})
	return list, err
}

// History returns an agreement's change history, oldest first, or
// ErrNotFound for an agreement not in the region.
func (s *AgreementStore) History(ctx context.Context, tenantID, agreementID int64) ([]AgreementEvent, error) {
	var events []AgreementEvent
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Agreement)(nil), tenantID, agreementID, "agreement"); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&events).Where("tenant_id = ? AND agreement_id = ?", tenantID, agreementID).
			Order("at", "id").Scan(ctx), "agreement history")
	})
	return events, err
}

// AddDocument attaches a file to an agreement and records it in the
// history. The name is sanitised; the content must be at most
// MaxDocumentBytes and really be what its extension says: PDF, Word
// (.docx), OpenDocument text (.odt) or UTF-8 plain text (.txt). It returns
// a *ValidationError (field "file": validation.file_empty,
// validation.file_too_large, validation.file_type, validation.file_content;
// field "status": validation.agreement_ended), ErrConflict when the
// agreement already has the same content, and ErrNotFound for an agreement
// not in the region.
func (s *AgreementStore) AddDocument(ctx context.Context, tenantID, actorID, agreementID int64, fileName string, r io.Reader) (AgreementDocument, error) {
	content, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return AgreementDocument{}, fmt.Errorf("read document: %w", err)
	}
	switch {
	case len(content) == 0:
		return AgreementDocument{}, fileProblem("validation.file_empty", nil)
	case len(content) > MaxDocumentBytes:
		return AgreementDocument{}, fileProblem("validation.file_too_large", map[string]any{"MaxMiB": MaxDocumentBytes >> 20})
	}
	name := sanitizeFileName(fileName)
	contentType, err := documentContentType(name, content)
	if err != nil {
		return AgreementDocument{}, err
	}
	sum := sha256.Sum256(content)
	now := s.now().UTC()
	doc := AgreementDocument{
		TenantID: tenantID, AgreementID: agreementID, FileName: name, ContentType: contentType,
		SizeBytes: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), Content: content,
		UploadedBy: actor(actorID), UploadedAt: now,
	}
	err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		a, err := lockAgreement(ctx, tx, tenantID, agreementID)
		if err != nil {
			return err
		}
		if a.Status == AgreementEnded {
			return fieldProblem("status", "validation.agreement_ended", nil)
		}
		if _, err := tx.NewInsert().Model(&doc).Returning("id").Exec(ctx); err != nil {
			return translate(err, "add document")
		}
		return recordAgreementEvent(ctx, tx, tenantID, agreementID, actorID, now, EventDocumentAdded,
			[]FieldChange{{Field: "documents", To: mustJSON(documentSummary(doc))}})
	})
	if err != nil {
		return AgreementDocument{}, err
	}
	return doc, nil
}

// Documents lists an agreement's documents without their content, oldest
// first, or returns ErrNotFound for an agreement not in the region.
func (s *AgreementStore) Documents(ctx context.Context, tenantID, agreementID int64) ([]AgreementDocument, error) {
	var docs []AgreementDocument
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Agreement)(nil), tenantID, agreementID, "agreement"); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&docs).ExcludeColumn("content").
			Where("tenant_id = ? AND agreement_id = ?", tenantID, agreementID).Order("uploaded_at", "id").Scan(ctx), "list documents")
	})
	return docs, err
}

// Document returns one document with its content, or ErrNotFound.
func (s *AgreementStore) Document(ctx context.Context, tenantID, agreementID, documentID int64) (AgreementDocument, error) {
	var doc AgreementDocument
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&doc).
			Where("tenant_id = ? AND agreement_id = ? AND id = ?", tenantID, agreementID, documentID).Scan(ctx), "document")
	})
	return doc, err
}

// RemoveDocument deletes a document and records it in the history. It
// returns a *ValidationError for an ended agreement and ErrNotFound for a
// document not in the region's agreement.
func (s *AgreementStore) RemoveDocument(ctx context.Context, tenantID, actorID, agreementID, documentID int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		a, err := lockAgreement(ctx, tx, tenantID, agreementID)
		if err != nil {
			return err
		}
		if a.Status == AgreementEnded {
			return fieldProblem("status", "validation.agreement_ended", nil)
		}
		var doc AgreementDocument
		if err := tx.NewSelect().Model(&doc).ExcludeColumn("content").
			Where("tenant_id = ? AND agreement_id = ? AND id = ?", tenantID, agreementID, documentID).Scan(ctx); err != nil {
			return translate(err, "document")
		}
		if _, err := tx.NewDelete().Model((*AgreementDocument)(nil)).
			Where("tenant_id = ? AND id = ?", tenantID, documentID).Exec(ctx); err != nil {
			return translate(err, "remove document")
		}
		return recordAgreementEvent(ctx, tx, tenantID, agreementID, actorID, s.now().UTC(), EventDocumentRemoved,
			[]FieldChange{{Field: "documents", From: mustJSON(documentSummary(doc))}})
	})
}

func documentSummary(d AgreementDocument) map[string]any {
	return map[string]any{"id": d.ID, "file_name": d.FileName, "size_bytes": d.SizeBytes, "sha256": d.SHA256}
}

// lockAgreement reads the agreement's own row, locking it on PostgreSQL so
// that concurrent changes to one agreement take turns (SQLite write
// transactions take turns anyway).
func lockAgreement(ctx context.Context, tx *Tx, tenantID, id int64) (Agreement, error) {
	var a Agreement
	q := tx.NewSelect().Model(&a).Where("tenant_id = ? AND id = ?", tenantID, id)
	if tx.Dialect() == Postgres {
		q = q.For("UPDATE")
	}
	return a, translate(q.Scan(ctx), "agreement")
}

func loadAgreement(ctx context.Context, tx *Tx, tenantID, id int64) (Agreement, error) {
	var a Agreement
	if err := tx.NewSelect().Model(&a).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx); err != nil {
		return Agreement{}, translate(err, "agreement")
	}
	return a, loadAgreementLists(ctx, tx, tenantID, []*Agreement{&a})
}

// loadAgreementLists fills in the lists of the agreements, one query per
// list for all of them.
func loadAgreementLists(ctx context.Context, tx *Tx, tenantID int64, list []*Agreement) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*Agreement, len(list))
	ids := make([]int64, len(list))
	for i, a := range list {
		byID[a.ID], ids[i] = a, a.ID
		a.Parties, a.UnitIDs = []int64{}, []int64{}
		a.Funding, a.Commitments, a.Positions = []AgreementFunding{}, []Commitment{}, []BudgetedPosition{}
	}
	where := func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("tenant_id = ? AND agreement_id IN (?)", tenantID, bun.In(ids))
	}
	var parties []agreementParty
	if err := where(tx.NewSelect().Model(&parties)).Order("organisation_id").Scan(ctx); err != nil {
		return translate(err, "agreement parties")
	}
	for _, p := range parties {
		a := byID[p.AgreementID]
		a.Parties = append(a.Parties, p.OrganisationID)
	}
	var units []agreementUnit
	if err := where(tx.NewSelect().Model(&units)).Order("unit_id").Scan(ctx); err != nil {
		return translate(err, "agreement units")
	}
	for _, u := range units {
		a := byID[u.AgreementID]
		a.UnitIDs = append(a.UnitIDs, u.UnitID)
	}
	var funding []AgreementFunding
	if err := where(tx.NewSelect().Model(&funding)).Order("id").Scan(ctx); err != nil {
		return translate(err, "agreement funding")
	}
	for _, f := range funding {
		a := byID[f.AgreementID]
		a.Funding = append(a.Funding, f)
	}
	var commitments []Commitment
	if err := where(tx.NewSelect().Model(&commitments)).Order("sort_order", "id").Scan(ctx); err != nil {
		return translate(err, "agreement commitments")
	}
	for _, c := range commitments {
		a := byID[c.AgreementID]
		a.Commitments = append(a.Commitments, c)
	}
	var positions []BudgetedPosition
	if err := where(tx.NewSelect().Model(&positions)).Order("sort_order", "id").Scan(ctx); err != nil {
		return translate(err, "agreement positions")
	}
	for _, p := range positions {
		a := byID[p.AgreementID]
		a.Positions = append(a.Positions, p)
	}
	return nil
}

// checkAgreementScope adds to verr (the result of Validate) the parties and
// units that are not the region's, and returns the whole *ValidationError,
// or nil.
func checkAgreementScope(ctx context.Context, tx *Tx, tenantID int64, a *Agreement, verr error) error {
	v := collectValidation(verr)
	if err := checkInRegion(ctx, tx, (*Organisation)(nil), tenantID, a.Parties, "parties", "validation.scope_organisation", v); err != nil {
		return err
	}
	if err := checkInRegion(ctx, tx, (*Unit)(nil), tenantID, a.UnitIDs, "units", "validation.scope_unit", v); err != nil {
		return err
	}
	return v.err()
}

func deleteAgreementLists(ctx context.Context, tx *Tx, tenantID, agreementID int64) error {
	// Funding refers to parties and positions to units: children first.
	for _, model := range []any{(*AgreementFunding)(nil), (*BudgetedPosition)(nil), (*Commitment)(nil), (*agreementParty)(nil), (*agreementUnit)(nil)} {
		if _, err := tx.NewDelete().Model(model).Where("tenant_id = ? AND agreement_id = ?", tenantID, agreementID).Exec(ctx); err != nil {
			return translate(err, "clear agreement lists")
		}
	}
	return nil
}

// insertAgreementLists writes the agreement's lists, setting their ids.
func insertAgreementLists(ctx context.Context, tx *Tx, a *Agreement) error {
	if len(a.Parties) > 0 {
		rows := make([]agreementParty, len(a.Parties))
		for i, id := range a.Parties {
			rows[i] = agreementParty{TenantID: a.TenantID, AgreementID: a.ID, OrganisationID: id}
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return translate(err, "agreement parties")
		}
	}
	if len(a.UnitIDs) > 0 {
		rows := make([]agreementUnit, len(a.UnitIDs))
		for i, id := range a.UnitIDs {
			rows[i] = agreementUnit{TenantID: a.TenantID, AgreementID: a.ID, UnitID: id}
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return translate(err, "agreement units")
		}
	}
	for i := range a.Funding {
		a.Funding[i].ID, a.Funding[i].TenantID, a.Funding[i].AgreementID = 0, a.TenantID, a.ID
	}
	for i := range a.Commitments {
		a.Commitments[i].ID, a.Commitments[i].TenantID, a.Commitments[i].AgreementID = 0, a.TenantID, a.ID
	}
	for i := range a.Positions {
		a.Positions[i].ID, a.Positions[i].TenantID, a.Positions[i].AgreementID = 0, a.TenantID, a.ID
	}
	if err := insertListRows(ctx, tx, a.Funding, "agreement funding"); err != nil {
		return err
	}
	if err := insertListRows(ctx, tx, a.Commitments, "agreement commitments"); err != nil {
		return err
	}
	return insertListRows(ctx, tx, a.Positions, "agreement positions")
}

// insertListRows inserts rows that have an id column and sets their ids
// (in the caller's slice, which shares the array).
func insertListRows[T any](ctx context.Context, tx *Tx, rows []T, what string) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&rows).Returning("id").Exec(ctx)
	return translate(err, what)
}

func recordAgreementEvent(ctx context.Context, tx *Tx, tenantID, agreementID, actorID int64, at time.Time, kind AgreementEventKind, changes []FieldChange) error {
	if changes == nil {
		changes = []FieldChange{}
	}
	e := AgreementEvent{TenantID: tenantID, AgreementID: agreementID, UserID: actor(actorID), At: at, Kind: kind, Changes: changes}
	_, err := tx.NewInsert().Model(&e).Exec(ctx)
	return translate(err, "record agreement history")
}

// actor returns the user id to record, nil for the system (0).
func actor(id int64) *int64 {
	if id <= 0 {
		return nil
	}
	return &id
}

func fieldProblem(field, key string, args map[string]any) error {
	v := &ValidationError{}
	v.add(field, key, args)
	return v
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("tenants: marshal %T: %v", v, err)) // only plain data is marshalled
	}
	return b
}

// agreementFields orders the fields of an agreement's summary, as the
// history lists them.
var agreementFields = []string{
	"title", "reference", "committee", "purpose", "goals", "starts_on", "ends_on", "notice_months",
	"reporting_cadence", "target_groups", "parties", "units", "funding", "commitments", "positions",
}

// summary returns the agreement's content as plain values, for the
// history: what the parties agreed, without ids of list rows.
func (a Agreement) summary() map[string]any {
	type funding struct {
		Party     any   `json:"party"` // "region" or an organisation id
		Year      int   `json:"year"`
		AmountSEK int64 `json:"amount_sek"`
	}
	type commitment struct {
		Indicator   Indicator  `json:"indicator"`
		Comparison  Comparison `json:"comparison"`
		Target      int        `json:"target"`
		Description string     `json:"description,omitempty"`
	}
	type position struct {
		UnitID     *int64 `json:"unit_id,omitempty"`
		Count      int    `json:"count"`
		FTEPercent int    `json:"fte_percent"`
	}
	fs := make([]funding, len(a.Funding))
	for i, f := range a.Funding {
		fs[i] = funding{Party: "region", Year: f.Year, AmountSEK: f.AmountSEK}
		if f.OrganisationID != nil {
			fs[i].Party = *f.OrganisationID
		}
	}
	// Funding is a set of (party, year) rows: compare it in a fixed order.
	slices.SortStableFunc(fs, func(x, y funding) int {
		return cmp.Or(cmp.Compare(fmt.Sprint(x.Party), fmt.Sprint(y.Party)), cmp.Compare(x.Year, y.Year))
	})
	cs := make([]commitment, len(a.Commitments))
	for i, c := range a.Commitments {
		cs[i] = commitment{c.Indicator, c.Comparison, c.Target, c.Description}
	}
	ps := make([]position, len(a.Positions))
	for i, p := range a.Positions {
		ps[i] = position{p.UnitID, p.Count, p.FTEPercent}
	}
	groups := a.TargetGroups
	if groups == nil {
		groups = []TargetGroup{}
	}
	return map[string]any{
		"title": a.Title, "reference": a.Reference, "committee": a.Committee, "purpose": a.Purpose, "goals": a.Goals,
		"starts_on": a.StartsOn, "ends_on": a.EndsOn, "notice_months": a.NoticeMonths,
		"reporting_cadence": a.ReportingCadence, "target_groups": groups,
		"parties": uniqueIDs(a.Parties), "units": uniqueIDs(a.UnitIDs),
		"funding": fs, "commitments": cs, "positions": ps,
	}
}

// diffSummaries returns the fields whose JSON differs, in agreementFields
// order. A field missing from a summary has no value.
func diffSummaries(before, after map[string]any) []FieldChange {
	var changes []FieldChange
	for _, f := range agreementFields {
		var from, to json.RawMessage
		if v, ok := before[f]; ok {
			from = mustJSON(v)
		}
		if v, ok := after[f]; ok {
			to = mustJSON(v)
		}
		if !bytes.Equal(from, to) {
			changes = append(changes, FieldChange{Field: f, From: from, To: to})
		}
	}
	return changes
}
