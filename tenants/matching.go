package tenants

import (
	"cmp"
	"slices"
)

// MatchCriterion names one thing the ranking of peers weighs.
type MatchCriterion string

const (
	// CriterionLanguage: the peer speaks the participant's language.
	CriterionLanguage MatchCriterion = "language"
	// CriterionExperience: the peer has lived experience of the
	// participant's target group.
	CriterionExperience MatchCriterion = "experience"
	// CriterionPreferredExperience: the peer has an experience the
	// participant asked for.
	CriterionPreferredExperience MatchCriterion = "preferred_experience"
	// CriterionPreferredLanguage: the peer speaks a language the
	// participant asked for.
	CriterionPreferredLanguage MatchCriterion = "preferred_language"
	CriterionGender            MatchCriterion = "gender"
	CriterionAgeBand           MatchCriterion = "age_band"
	// CriterionCapacity: the peer has room for one more participant.
	CriterionCapacity MatchCriterion = "capacity"
	// CriterionPlacement: the peer is placed at the referring unit.
	CriterionPlacement MatchCriterion = "placement"
)

// Weights of the ranking. Language comes first because support needs a
// shared language; lived experience of the same condition is the heart of
// peer support; the participant's own wishes follow; free capacity and a
// placement at the unit break ties.
const (
	weightLanguage            = 40
	weightExperience          = 25
	weightPreferredExperience = 10
	weightGender              = 10
	weightPlacement           = 10
	weightPreferredLanguage   = 5
	weightAgeBand             = 5
	weightCapacityPerPlace    = 3
	maxCapacityPlaces         = 3
)

// targetExperience lists the experiences that count as lived experience of
// a target group.
var targetExperience = map[TargetGroup][]ExperienceArea{
	TargetHIV: {ExperienceHIV},
	TargetPsychiatry: {ExperiencePsychosis, ExperienceDepressionAnxiety, ExperienceBipolar, ExperienceEatingDisorder,
		ExperienceSelfHarm, ExperienceTrauma, ExperienceNeuropsychiatric},
	TargetSubstanceUse: {ExperienceAddiction},
}

// MatchSuggestion is a peer of the organisation ranked for a referral,
// with what speaks for and against them.
type MatchSuggestion struct {
	PeerID       int64
	DisplayName  string
	Languages    []string
	Experience   []ExperienceArea
	Capacity     int
	FreeCapacity int
	Score        int
	Fits         []MatchCriterion
	Misses       []MatchCriterion
	// Current is set for the peer who supports the participant now.
	Current bool
}

// Full reports whether the peer has no room for another participant.
func (s MatchSuggestion) Full() bool { return s.FreeCapacity <= 0 }

// rankPeers ranks the active peers for a participant referred by unit:
// those with room before those without, those who speak the participant's
// language before those who do not, then by score and name. running holds
// each peer's running matches; placed the peers placed at the unit today.
func rankPeers(p Participant, peers []Peer, running map[int64]int, placed map[int64]bool, current int64) []MatchSuggestion {
	out := make([]MatchSuggestion, 0, len(peers))
	for _, peer := range peers {
		if peer.Status != PeerActive {
			continue
		}
		s := MatchSuggestion{
			PeerID: peer.ID, DisplayName: peer.DisplayName, Languages: peer.Languages, Experience: peer.Experience,
			Capacity: peer.Capacity, FreeCapacity: peer.Capacity - running[peer.ID], Current: peer.ID == current,
			Fits: []MatchCriterion{}, Misses: []MatchCriterion{},
		}
		judge := func(c MatchCriterion, asked, fits bool, weight int) {
			switch {
			case !asked:
			case fits:
				s.Fits, s.Score = append(s.Fits, c), s.Score+weight
			default:
				s.Misses = append(s.Misses, c)
			}
		}
		judge(CriterionLanguage, true, slices.Contains(peer.Languages, p.Language), weightLanguage)
		want := targetExperience[p.TargetGroup]
		judge(CriterionExperience, len(want) > 0, overlaps(peer.Experience, want), weightExperience)
		judge(CriterionPreferredExperience, len(p.PrefExperience) > 0, overlaps(peer.Experience, p.PrefExperience), weightPreferredExperience)
		judge(CriterionPreferredLanguage, len(p.PrefLanguages) > 0, overlaps(peer.Languages, p.PrefLanguages), weightPreferredLanguage)
		judge(CriterionGender, p.PrefGender != "" && p.PrefGender != GenderUnspecified, peer.Gender == p.PrefGender, weightGender)
		judge(CriterionAgeBand, p.PrefAgeBand != "", peer.AgeBand == p.PrefAgeBand, weightAgeBand)
		judge(CriterionCapacity, true, !s.Full(), weightCapacityPerPlace*min(s.FreeCapacity, maxCapacityPlaces))
		judge(CriterionPlacement, placed[peer.ID], true, weightPlacement)
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b MatchSuggestion) int {
		return cmp.Or(
			boolOrder(!a.Full(), !b.Full()),
			boolOrder(slices.Contains(a.Fits, CriterionLanguage), slices.Contains(b.Fits, CriterionLanguage)),
			cmp.Compare(b.Score, a.Score),
			cmp.Compare(a.DisplayName, b.DisplayName),
			cmp.Compare(a.PeerID, b.PeerID),
		)
	})
	return out
}

// boolOrder sorts true before false.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	default:
		return 1
	}
}

func overlaps[T comparable](have, want []T) bool {
	return slices.ContainsFunc(have, func(x T) bool { return slices.Contains(want, x) })
}
