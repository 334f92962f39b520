//go:build !linux

package e2e

import "os/exec"

// dieWithParent does nothing here: only Linux can tie a child's life to its
// parent's. A test binary killed by -timeout leaves kamrat running.
func dieWithParent(cmd *exec.Cmd) {}
