package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// agreementsPage lists the region's IOP agreements.
type agreementsPage struct {
	basePage
	RegionName string
	NewURL     string
	Agreements []agreementRow
}

func (agreementsPage) templateName() string { return "agreements_index" }

type agreementRow struct {
	URL, Title, Reference, Committee, Parties, Term, Status, StatusLabel string
	Positions, FullTime                                                  string
}

// agreementsIndex lists the region's agreements, latest start first.
func (s *server) agreementsIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	list, err := s.cfg.Agreements.Agreements(c.UserContext(), region.ID)
	if err != nil {
		return err
	}
	names, err := s.loadScopeNames(c, region.ID)
	if err != nil {
		return err
	}
	base := agreementsURL(c)
	p := agreementsPage{basePage: s.regionBase(c), RegionName: region.Name, NewURL: base + "/new"}
	for _, a := range list {
		v := s.agreementViewOf(p.Lang, a, names)
		p.Agreements = append(p.Agreements, agreementRow{
			URL: base + "/" + itoa(a.ID), Title: v.Title, Reference: v.Reference, Committee: v.Committee,
			Parties: strings.Join(v.Parties, ", "), Term: v.Term, Status: v.Status, StatusLabel: v.StatusLabel,
			Positions: v.PositionCount, FullTime: v.FullTime,
		})
	}
	return s.renderPage(c, p)
}
