// Command terraform-provider-kasm serves the Kasm Workspaces provider to Terraform and
// OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/workspaces-iac/terraform-provider-kasm/internal/provider"
)

// version and commit are set by the release build through -ldflags; a local build reports
// "dev" so that support requests show an unreleased binary at a glance.
var (
	version = "dev"
	commit  = ""
)

// registryAddress is where the provider is published; dev_overrides in a CLI configuration
// must use the same address.
const registryAddress = "registry.terraform.io/workspaces-iac/kasm"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version, commit), providerserver.ServeOpts{
		Address: registryAddress,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
