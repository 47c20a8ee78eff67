package main

import (
	"os"
	"testing"
)

// Not parallel: these tests change the process environment.

func TestQuietLogsWhenTheCLIDiscardsThem(t *testing.T) {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogLevelEnv} {
		t.Setenv(name, "")
		_ = os.Unsetenv(name)
	}
	t.Setenv("TF_LOG_SDK_PROTO", "DEBUG") // set on purpose: left alone
	quietLogsUnlessAsked()
	for name, want := range map[string]string{
		"TF_LOG_SDK": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER": "OFF", "TF_LOG_SDK_PROTO": "DEBUG",
		providerLogLevelEnv: "OFF",
	} {
		if got := os.Getenv(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestLogsStayWhenAsked(t *testing.T) {
	for _, name := range []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", providerLogLevelEnv} {
		t.Setenv(name, "")
		_ = os.Unsetenv(name)
	}
	t.Setenv("TF_LOG", "TRACE")
	quietLogsUnlessAsked()
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER", providerLogLevelEnv} {
		if v, set := os.LookupEnv(name); set {
			t.Errorf("%s = %q with TF_LOG=TRACE; logs must stay on", name, v)
		}
	}
}
