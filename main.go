package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/marketplace-trust/terraform-provider-marketplace/internal/profiling"
	"github.com/marketplace-trust/terraform-provider-marketplace/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietLogsUnlessAsked()
	boundMemory()
	stopProfile := profiling.Start()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/marketplace-trust/marketplace",
		Debug:   debugMode,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// providerLogLevelEnv sets the level of the provider's own logs (tflog, the API client's
// marketplace_api subsystem): terraform-plugin-go reads it, not TF_LOG_PROVIDER, and logs
// at TRACE when it is unset.
const providerLogLevelEnv = "TF_LOG_PROVIDER_MARKETPLACE"

// quietLogsUnlessAsked turns the plugin libraries' logging off at the source when the CLI
// would discard it anyway. terraform-plugin-go and the framework log every RPC at TRACE
// unless told otherwise, formatting JSON lines that Terraform and OpenTofu then drop
// unless TF_LOG or TF_LOG_PROVIDER is set: at a few hundred resources that formatting
// was a quarter of the provider's CPU time. Levels set explicitly are left alone.
func quietLogsUnlessAsked() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER", providerLogLevelEnv} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "OFF")
		}
	}
}

// boundMemory sets the GC for a process whose live heap is small (a few MiB) but which
// allocates steadily, one request at a time, unless GOGC or GOMEMLIMIT say otherwise: under
// the 64 MiB soft limit GOGC=800 lets the heap grow to 9x the live data between
// collections, which halved the GC's CPU compared with GOGC=200, and the limit bounds the
// heap when documents are large. Measured with make bench's -pad-kib (README, Performance):
// 500 resources of the example document peak under 80 MiB; 20 resources of 900 KiB
// documents at -parallelism=10 peak at 77-107 MiB with the limit and 366-652 MiB without
// it, no slower. A soft limit never fails an allocation: a larger live heap only costs GC.
func boundMemory() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(800)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(64 << 20)
	}
}
