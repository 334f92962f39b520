package oidcprovider_test

import (
	"fmt"
	"log"
	"net/http"

	"github.com/kamrat/kamrat/policy/oidcprovider"
)

func ExampleProvider_Handler() {
	idp, err := oidcprovider.New(
		"http://127.0.0.1:8080/demo-idp",
		[]oidcprovider.Client{{ID: "kamrat", Secret: "demo-secret", RedirectURIs: []string{"http://127.0.0.1:8080/auth/callback"}}},
		[]oidcprovider.User{{
			Subject: "anna",
			Label:   "Anna Andersson — vårdpersonal, Skåne",
			Claims:  map[string]any{"given_name": "Anna", "family_name": "Andersson"},
		}},
	)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/demo-idp/", http.StripPrefix("/demo-idp", idp.Handler()))

	fmt.Println(idp.Issuer())
	// Output: http://127.0.0.1:8080/demo-idp
}
