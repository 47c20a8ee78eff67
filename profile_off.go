//go:build !profile

package main

// startProfile is a no-op unless the provider is built with -tags profile (see profile.go).
func startProfile() (stop func()) { return func() {} }
