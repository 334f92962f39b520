package ui

import (
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// Who reads which report. The matrix lets regional administrators,
// organisation coordinators and viewers read reports; which reports is
// decided here, for the page, the API and the exports alike:
//
//   - a regional administrator reads every report of the region, drafts
//     included;
//   - a viewer reads approved reports only: a draft is not published yet;
//   - an organisation coordinator reads their own organisation's report and
//     the reports of the agreements their organisation is a party to (as
//     the agreement stands now), drafts included, since those figures are
//     about their own work;
//   - anyone else reads none.
//
// A report the caller may not read answers 404, like one that does not
// exist, so that its existence is not given away either.

// reportReader is what the caller may read of the region's reports.
type reportReader struct {
	// all: every report, drafts included (regional administrators).
	all bool
	// approvedOnly: only approved reports (viewers).
	approvedOnly bool
	// organisation is a coordinator's organisation (0 for none) and
	// agreements the agreements it is a party to.
	organisation int64
	agreements   map[int64]bool
}

// reportReaderOf works out what the caller may read. The coordinator's
// organisation comes from their membership only (coordinatorOrganisation).
func (s *server) reportReaderOf(c *fiber.Ctx) (reportReader, error) {
	p := principal(c)
	if p == nil {
		return reportReader{}, nil
	}
	switch p.Role {
	case tenants.RoleRegionAdmin:
		return reportReader{all: true}, nil
	case tenants.RoleViewer:
		return reportReader{all: true, approvedOnly: true}, nil
	case tenants.RoleOrgCoordinator:
		org, err := coordinatorOrganisation(c)
		if err != nil {
			return reportReader{}, nil // no organisation: nothing to read
		}
		list, err := s.cfg.Agreements.Agreements(c.UserContext(), currentRegion(c).ID)
		if err != nil {
			return reportReader{}, err
		}
		rr := reportReader{organisation: org, agreements: map[int64]bool{}}
		for _, a := range list {
			if slices.Contains(a.Parties, org) {
				rr.agreements[a.ID] = true
			}
		}
		return rr, nil
	}
	return reportReader{}, nil
}

// may reports whether the reader may read r.
func (rr reportReader) may(r tenants.Report) bool {
	if rr.approvedOnly && r.State != tenants.ReportApproved {
		return false
	}
	if rr.all {
		return true
	}
	switch r.Scope {
	case tenants.ReportOrganisation:
		return rr.organisation != 0 && r.ScopeID == rr.organisation
	case tenants.ReportAgreement:
		return rr.agreements[r.ScopeID]
	}
	return false
}

// seesBuilds reports whether the reader is shown the quarters' builds
// under way or failed: not a viewer, who is shown published reports only.
func (rr reportReader) seesBuilds() bool { return !rr.approvedOnly }

// readable returns the reports of list the reader may read, in order.
func (rr reportReader) readable(list []tenants.Report) []tenants.Report {
	var out []tenants.Report
	for _, r := range list {
		if rr.may(r) {
			out = append(out, r)
		}
	}
	return out
}

// readableReport returns the report the path's :id names in the request's
// region if the caller may read it, and tenants.ErrNotFound (404)
// otherwise: the one check the report page, its API answer and its exports
// go through.
func (s *server) readableReport(c *fiber.Ctx) (tenants.Report, error) {
	r, _, err := s.readableReportOf(c)
	return r, err
}

// readableReportOf is readableReport with what else the caller may read.
func (s *server) readableReportOf(c *fiber.Ctx) (tenants.Report, reportReader, error) {
	id, err := pathID(c)
	if err != nil {
		return tenants.Report{}, reportReader{}, err
	}
	rr, err := s.reportReaderOf(c)
	if err != nil {
		return tenants.Report{}, rr, err
	}
	r, err := s.cfg.Reports.Report(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return tenants.Report{}, rr, err
	}
	if !rr.may(r) {
		return tenants.Report{}, rr, fmt.Errorf("report %d is not the caller's to read: %w", id, tenants.ErrNotFound)
	}
	return r, rr, nil
}
