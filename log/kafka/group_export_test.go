package kafka

import "time"

// Coordinators started by this package's tests (through the server) wait
// less for the first members of a new group than the 1 s default.
func init() {
	defaultInitialRebalanceDelay = 100 * time.Millisecond
}
