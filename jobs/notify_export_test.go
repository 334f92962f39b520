package jobs

// DepsOf exposes the Deps a client's workers share, so that the external
// tests can call Deps.Notify as a worker does.
func DepsOf(c *Client) *Deps { return c.deps }
