// Package jobs is Kamrat's background work on River: one file per job kind,
// the periodic schedule, and the client that inserts jobs in the same
// transaction as the business write that makes them due.
//
// Job arguments carry ids only, never personal data; a worker re-loads what
// it needs under the job's tenant, and does nothing harmful when River runs
// it a second time.
package jobs
