package tenants_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func TestTenantSettingsEffective(t *testing.T) {
	t.Parallel()
	eff := tenants.TenantSettings{}.Effective()
	want := tenants.TenantSettings{
		DefaultLanguage: "sv", Languages: []string{"sv", "en"}, SmallCountThreshold: 5,
		ContactDeadlineDays: 5, FollowUpMonths: []int{0, 3, 6}, RetentionMonths: 24, SupervisionIntervalWeeks: 4,
	}
	if !reflect.DeepEqual(eff, want) {
		t.Fatalf("defaults %+v, want %+v", eff, want)
	}
	eff.FollowUpMonths[0] = 99 // must not leak into the next caller's defaults
	if again := (tenants.TenantSettings{}).Effective(); again.FollowUpMonths[0] != 0 {
		t.Fatalf("defaults share a slice: %v", again.FollowUpMonths)
	}
	own := tenants.TenantSettings{SmallCountThreshold: 10, FollowUpMonths: []int{0, 6, 12}, RetentionMonths: 36, Languages: []string{"sv"}}.Effective()
	if own.SmallCountThreshold != 10 || !reflect.DeepEqual(own.FollowUpMonths, []int{0, 6, 12}) || own.RetentionMonths != 36 || !reflect.DeepEqual(own.Languages, []string{"sv"}) {
		t.Fatalf("own settings %+v", own)
	}
}

// TestUpdateSettings: valid settings and the display name are stored;
// refusals name each field and change nothing — on both databases.
func TestUpdateSettings(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		region := tenanttest.Tenant(t, db)
		store := tenants.NewTenantStore(db)

		bad := []struct {
			name     string
			settings tenants.TenantSettings
			want     []string
		}{
			{"threshold below 3", tenants.TenantSettings{SmallCountThreshold: 2}, []string{"small_count_threshold=validation.min"}},
			{"threshold above 100", tenants.TenantSettings{SmallCountThreshold: 101}, []string{"small_count_threshold=validation.range"}},
			{"no Swedish", tenants.TenantSettings{Languages: []string{"en"}}, []string{"languages=validation.languages"}},
			{"unknown language", tenants.TenantSettings{Languages: []string{"sv", "fi"}}, []string{"languages=validation.languages"}},
			{"default not enabled", tenants.TenantSettings{Languages: []string{"sv"}, DefaultLanguage: "en"}, []string{"default_language=validation.default_language"}},
			{"follow-ups out of order", tenants.TenantSettings{FollowUpMonths: []int{0, 6, 3}}, []string{"follow_up_months=validation.follow_up_months"}},
			{"follow-ups without baseline", tenants.TenantSettings{FollowUpMonths: []int{3, 6}}, []string{"follow_up_months=validation.follow_up_months"}},
			{"negative deadline and retention", tenants.TenantSettings{ContactDeadlineDays: -1, RetentionMonths: 121},
				[]string{"contact_deadline_days=validation.range", "retention_months=validation.range"}},
			{"supervision interval out of range", tenants.TenantSettings{SupervisionIntervalWeeks: 27}, []string{"supervision_interval_weeks=validation.range"}},
			{"negative supervision interval", tenants.TenantSettings{SupervisionIntervalWeeks: -1}, []string{"supervision_interval_weeks=validation.range"}},
		}
		for _, tc := range bad {
			_, err := store.UpdateSettings(ctx, region.ID, "Region Skåne", tc.settings)
			if got := fieldKeys(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
			}
		}
		wantFieldKeys(t, func() error {
			_, err := store.UpdateSettings(ctx, region.ID, "  ", tenants.TenantSettings{})
			return err
		}(), "name=validation.required")
		if after, _ := store.ByID(ctx, region.ID); after.Name != region.Name || !reflect.DeepEqual(after.Settings, region.Settings) {
			t.Fatalf("refused updates changed the region: %+v", after)
		}

		want := tenants.TenantSettings{
			DefaultLanguage: "en", Languages: []string{"sv", "en"}, SmallCountThreshold: 3,
			ContactDeadlineDays: 10, FollowUpMonths: []int{0, 3, 6, 12}, RetentionMonths: 60, SupervisionIntervalWeeks: 2,
		}
		got, err := store.UpdateSettings(ctx, region.ID, " Region Skåne – kamratstöd ", want)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Region Skåne – kamratstöd" || !reflect.DeepEqual(got.Settings, want) || !got.UpdatedAt.After(region.UpdatedAt) ||
			got.Slug != region.Slug || got.CountyCode != region.CountyCode {
			t.Fatalf("updated region %+v", got)
		}
		reread, err := store.BySlug(ctx, region.Slug)
		if err != nil || !reflect.DeepEqual(reread.Settings, want) {
			t.Fatalf("read back %+v (%v)", reread.Settings, err)
		}
		if _, err := store.UpdateSettings(ctx, region.ID+1000, "X", want); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("unknown region: err = %v, want ErrNotFound", err)
		}
	})
}
