package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

type scenario struct {
	work, cli, cliName, variant string
	n, repeat                   int
	providerBin, emulatorBin    string
	parallelism                 int
	padKiB                      int
	extraEnv                    []string
	emulatorArgs                []string
	ops                         []operation
	latency                     time.Duration
	// shared, when set, is an emulator that other scenarios use at the same time (the
	// pipelines); ids are then this scenario's apps, and its requests are not counted here.
	shared *emulator
	ids    []string
}

const benchEmail, benchToken = "bench@example.com", "bench-token"

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func runScenario(ctx context.Context, s scenario) ([]result, error) {
	if err := os.MkdirAll(s.work, 0o750); err != nil {
		return nil, err
	}
	ids := s.ids
	if ids == nil {
		ids = make([]string, s.n)
		for i := range ids {
			ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		}
	}
	env := append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.work, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}, s.extraEnv...)
	emu, stop, cliEnv, err := s.setUp(ctx, ids)
	if err != nil {
		return nil, err
	}
	defer stop()
	env = append(env, cliEnv...)
	doc, err := exampleDocument(s.padKiB)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(s.work, "main.tf"), []byte(configFor(s.variant, doc, ids)), 0o600); err != nil {
		return nil, err
	}
	revision, publish := "1", "false"
	var out []result
	for _, op := range s.ops {
		revision, publish = cmp.Or(op.revision, revision), cmp.Or(op.publish, publish)
		r, err := s.run(ctx, env, op, revision, publish)
		if err != nil {
			return nil, err
		}
		if emu != nil && s.shared == nil {
			requests, err := emu.newRequests()
			if err != nil {
				return nil, err
			}
			r.calls, r.limited, r.roundTrips = countRequests(requests)
		}
		out = append(out, r)
	}
	return out, nil
}

// setUp starts the emulator (unless shared) and writes the CLI configuration; it returns
// the emulator (nil for the floor), how to stop it and the CLI's environment.
func (s scenario) setUp(ctx context.Context, ids []string) (*emulator, func(), []string, error) {
	rc := filepath.Join(s.work, "cli.tfrc")
	if s.variant != "provider" {
		return nil, func() {}, []string{"TF_CLI_CONFIG_FILE=" + rc}, os.WriteFile(rc, nil, 0o600)
	}
	emu, stop := s.shared, func() {}
	if emu == nil {
		args := s.emulatorArgs
		if s.latency > 0 {
			args = append(slices.Clone(args), "-latency", s.latency.String())
		}
		var err error
		if emu, err = startEmulator(ctx, s.emulatorBin, s.work, ids, benchEmail, benchToken, args); err != nil {
			return nil, nil, nil, err
		}
		stop = emu.stop
	}
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"marketplace-trust/marketplace\" = %q\n  }\n  direct {}\n}\n",
		filepath.Dir(s.providerBin))
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		stop()
		return nil, nil, nil, err
	}
	return emu, stop, []string{"TF_CLI_CONFIG_FILE=" + rc, "MARKETPLACE_BASE_URL=" + emu.url,
		"MARKETPLACE_EMAIL=" + benchEmail, "MARKETPLACE_API_TOKEN=" + benchToken}, nil
}

// run runs one operation of the CLI and measures it.
func (s scenario) run(ctx context.Context, env []string, op operation, revision, publish string) (result, error) {
	args := []string{op.command, "-input=false", fmt.Sprintf("-parallelism=%d", s.parallelism), "-var", "revision=" + revision, "-var", "publish=" + publish}
	if op.command == "plan" {
		args = append(args, "-detailed-exitcode") // exit 2, a failure here, if the plan is not empty
	} else {
		args = append(args, "-auto-approve")
	}
	watcher := watchPeakRSS(s.providerBin)
	start := time.Now()
	cmd := exec.CommandContext(ctx, s.cli, args...)
	cmd.Dir, cmd.Env = s.work, env
	output, err := cmd.CombinedOutput()
	wall := time.Since(start)
	peak := watcher.stop()
	if err != nil {
		return result{}, fmt.Errorf("%s: %w\n%s", op.name, err, tail(string(output), 30))
	}
	return result{cli: s.cliName, variant: s.variant, op: op.name, n: s.n, repeat: s.repeat, latency: s.latency,
		wall: wall, peakRSSKiB: peak}, nil
}

// exampleDocument is the common_cloud of the resource example (the API reference's
// example app), with a description that varies with var.revision so that an apply can
// change every resource, grown by padKiB KiB.
func exampleDocument(padKiB int) (string, error) {
	data, err := os.ReadFile("examples/resources/marketplace_privacy_security/resource.tf")
	if err != nil {
		return "", fmt.Errorf("run from the repository root: %w", err)
	}
	text := string(data)
	start := strings.Index(text, "common_cloud = {")
	end := strings.LastIndex(text, "}") // closes the resource; the document ends before it
	if start < 0 || end < start {
		return "", errors.New("no common_cloud block in the resource example")
	}
	doc := strings.TrimSpace(text[start+len("common_cloud = ") : end])
	const description = "This app accesses user data to provide core functionality"
	if !strings.Contains(doc, description) {
		return "", errors.New("the resource example's data_access_description changed; update the bench")
	}
	grown := description + " (revision ${var.revision})"
	if padKiB > 0 {
		grown += fmt.Sprintf(`${join("", [for i in range(%d) : %q])}`, padKiB, strings.Repeat("x", 1024))
	}
	return strings.Replace(doc, description, grown, 1), nil
}

// configFor is the same N documents, either managed by the provider or held by
// terraform_data (which CLIs run in-process).
func configFor(variant, doc string, ids []string) string {
	idList := `["` + strings.Join(ids, `","`) + `"]`
	header := `variable "revision" { type = string }
variable "publish" { type = bool }
locals {
  ids = ` + idList + `
  doc = ` + doc + `
}
`
	if variant == "floor" {
		return header + `
resource "terraform_data" "app" {
  for_each = toset(local.ids)
  input = {
    product_id   = each.value
    publish      = var.publish
    common_cloud = local.doc
  }
}
`
	}
	return header + `
terraform {
  required_providers {
    marketplace = { source = "marketplace-trust/marketplace" }
  }
}
provider "marketplace" {}
resource "marketplace_privacy_security" "app" {
  for_each     = toset(local.ids)
  product_id   = each.value
  publish      = var.publish
  common_cloud = local.doc
}
`
}
