//go:build !profile

package profiling

// Start does nothing unless the provider is built with -tags profile (see profile.go).
func Start() (stop func()) { return func() {} }
