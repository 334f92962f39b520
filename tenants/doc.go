// Package tenants is Kamrat's domain: the region registry and everything a
// region owns. Every store method takes the tenant explicitly and every query
// filters on it; on PostgreSQL row-level security repeats the rule in the
// database, so a forgotten filter still cannot reach another region's rows.
//
// Nothing here knows about HTTP or about casbin: callers decide whether a
// principal may act, stores decide which rows that action touches.
package tenants
