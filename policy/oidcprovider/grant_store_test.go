package oidcprovider

import (
	"errors"
	"testing"
	"time"
)

func TestGrantStore_Bounded(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	s := newGrantStore(3)
	for i := range 3 {
		if _, err := s.addCode(authCode{expires: t0.Add(codeTTL)}, t0); err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
	}
	if _, err := s.addCode(authCode{expires: t0.Add(codeTTL)}, t0); !errors.Is(err, errStoreFull) {
		t.Fatalf("fourth code: error %v, want errStoreFull", err)
	}
	if _, err := s.addCode(authCode{expires: t0.Add(2 * codeTTL)}, t0.Add(codeTTL)); err != nil {
		t.Fatalf("code after the others expired: %v", err)
	}
	if codes, _ := s.size(); codes != 1 {
		t.Errorf("%d codes kept, want the expired ones pruned", codes)
	}

	for i := range 3 {
		if _, err := s.addAccessToken("", accessGrant{expires: t0.Add(accessTokenTTL)}, t0); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
	}
	if _, err := s.addAccessToken("", accessGrant{expires: t0.Add(accessTokenTTL)}, t0); !errors.Is(err, errStoreFull) {
		t.Fatalf("fourth token: error %v, want errStoreFull", err)
	}
}

func TestGrantStore_PrunesWhenNotFull(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	s := newGrantStore(100)
	s.addCode(authCode{expires: t0.Add(time.Second)}, t0)
	s.addAccessToken("", accessGrant{expires: t0.Add(time.Second)}, t0)
	if codes, tokens := s.size(); codes != 1 || tokens != 1 {
		t.Fatalf("size %d %d, want 1 1", codes, tokens)
	}
	later := t0.Add(pruneInterval + time.Second)
	s.addCode(authCode{expires: later.Add(codeTTL)}, later)
	if codes, tokens := s.size(); codes != 1 || tokens != 0 {
		t.Errorf("size %d %d after pruning, want 1 0", codes, tokens)
	}
}

func TestGrantStore_RedeemCode(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	s := newGrantStore(10)
	code, err := s.addCode(authCode{subject: "anna", expires: t0.Add(codeTTL)}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.redeemCode(code, t0.Add(codeTTL)); !errors.Is(err, errGrantUnknown) {
		t.Errorf("redeeming an expired code: error %v, want errGrantUnknown", err)
	}
	c, err := s.redeemCode(code, t0)
	if err != nil || c.subject != "anna" {
		t.Fatalf("redeem: %v %v", c, err)
	}
	token, err := s.addAccessToken(code, accessGrant{subject: "anna", expires: t0.Add(accessTokenTTL)}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.accessGrant(token, t0); !ok {
		t.Fatal("the new token is unknown")
	}
	if _, err := s.redeemCode(code, t0); !errors.Is(err, errCodeReused) {
		t.Errorf("second redeem: error %v, want errCodeReused", err)
	}
	if _, ok := s.accessGrant(token, t0); ok {
		t.Error("the token survived reuse of its code")
	}
	if _, err := s.redeemCode("unknown", t0); !errors.Is(err, errGrantUnknown) {
		t.Errorf("unknown code: error %v, want errGrantUnknown", err)
	}
}
