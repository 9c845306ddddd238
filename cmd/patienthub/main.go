// Command patienthub runs the Patient Hub server and its maintenance commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `Patient Hub: the hospital's appointment hub.

Usage:
  patienthub serve [flags]     run the web server and the notification dispatcher (serve -h lists flags)
  patienthub migrate           apply database migrations and exit
  patienthub config [flags]    print the effective configuration, secrets masked
  patienthub create-staff      create a staff account: create-staff USERNAME "FULL NAME" ROLE (agent, postroom or admin);
                               the password is read from PATIENTHUB_NEW_PASSWORD or standard input
  patienthub vapid-keys        print a new web push key pair for PATIENTHUB_VAPID_PUBLIC_KEY and _PRIVATE_KEY
  patienthub version           print the version

Configuration comes from PATIENTHUB_* environment variables; see the README.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "patienthub:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "config":
		return printConfig(args[1:], getenv, stdout, stderr)
	case "create-staff":
		return createStaff(ctx, args[1:], getenv, stdin, stdout)
	case "vapid-keys":
		return vapidKeys(stdout)
	case "version":
		fmt.Fprintln(stdout, "patienthub", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
