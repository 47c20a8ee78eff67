// Command marketplace-plan-summary renders a Terraform or OpenTofu plan of
// marketplace_privacy_security apps as Markdown for people who review privacy and
// security answers but do not read plans: per app, what changes in the words of the
// Marketplace form, the pending drafts it overwrites or discards, and what goes live: the
// resource's own publish and each invocation of the publish action (a trigger's or an
// -invoke's), which draft, whether it is pinned, and what changes on the public listing.
//
// Usage:
//
//	terraform plan -out=tfplan -json > plan.jsonl   # the provider's warnings
//	terraform show -json tfplan > plan.json
//	marketplace-plan-summary [-diagnostics plan.jsonl] [plan.json]
//
// Pass -diagnostics: some of what a reviewer must see is only in the provider's warnings
// (fields a publish removes from the live version, the listing's changes when the plan does
// not hold the live version).
//
// Without a file argument (or with "-") the plan's JSON is read from standard input.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("marketplace-plan-summary", flag.ContinueOnError)
	fs.SetOutput(stderr)
	diagnosticsFile := fs.String("diagnostics", "", "the JSON lines of `terraform plan -json` (or tofu's): the plan's warnings, attached to each app")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: marketplace-plan-summary [-diagnostics FILE] [PLAN_JSON]\n\n"+
			"Renders the JSON of `terraform show -json PLANFILE` (from PLAN_JSON, or standard input) as Markdown.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	in := stdin
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name) //nolint:gosec // G304: reading the file the user names is the point
		if err != nil {
			fmt.Fprintln(stderr, "marketplace-plan-summary:", err)
			return 1
		}
		defer func() { _ = f.Close() }()
		in = f
	}
	p, err := decodePlan(in)
	if err != nil {
		fmt.Fprintln(stderr, "marketplace-plan-summary:", err)
		return 1
	}
	var diags []diagnostic
	if *diagnosticsFile != "" {
		f, err := os.Open(*diagnosticsFile) //nolint:gosec // G304: as above
		if err != nil {
			fmt.Fprintln(stderr, "marketplace-plan-summary:", err)
			return 1
		}
		diags, err = decodeDiagnostics(f)
		_ = f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "marketplace-plan-summary: reading %s: %v\n", *diagnosticsFile, err)
			return 1
		}
	}
	if _, err := io.WriteString(stdout, render(p, diags, *diagnosticsFile != "")); err != nil {
		fmt.Fprintln(stderr, "marketplace-plan-summary:", err)
		return 1
	}
	return 0
}
