package tenants

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Heartbeat is the last time a worker process ran its periodic job.
type Heartbeat struct {
	bun.BaseModel `bun:"table:worker_heartbeats"`

	WorkerID string    `bun:"worker_id,pk"`
	BeatAt   time.Time `bun:"beat_at,notnull"`
}

// HeartbeatStore records worker liveness: platform data, no tenant.
type HeartbeatStore struct{ db *DB }

// NewHeartbeatStore returns a HeartbeatStore on db.
func NewHeartbeatStore(db *DB) *HeartbeatStore { return &HeartbeatStore{db: db} }

// Record stores that worker was alive at t; recording twice is harmless.
func (s *HeartbeatStore) Record(ctx context.Context, worker string, t time.Time) error {
	return s.db.InPlatform(ctx, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&Heartbeat{WorkerID: worker, BeatAt: t.UTC()}).
			On("CONFLICT (worker_id) DO UPDATE").Set("beat_at = EXCLUDED.beat_at").Exec(ctx)
		return translate(err, "record heartbeat")
	})
}

// Latest returns the most recent heartbeat of any worker, or ErrNotFound
// when no worker has ever run.
func (s *HeartbeatStore) Latest(ctx context.Context) (Heartbeat, error) {
	var h Heartbeat
	err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&h).Order("beat_at DESC").Limit(1).Scan(ctx), "heartbeat")
	})
	return h, err
}
