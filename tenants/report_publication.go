package tenants

// ReportPublication is a report's figures as they may leave the server,
// suppressed with threshold k.
func ReportPublication(r Report, k int) Publication {
	return Publication{K: k}
}
