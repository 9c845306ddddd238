package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func createStaff(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 3 {
		return fmt.Errorf(`usage: patienthub create-staff USERNAME "FULL NAME" ROLE`)
	}
	username, name, role := strings.TrimSpace(args[0]), strings.TrimSpace(args[1]), args[2]
	if role != "agent" && role != "postroom" && role != "admin" {
		return fmt.Errorf("role must be agent, postroom or admin, not %q", role)
	}
	password := getenv("PATIENTHUB_NEW_PASSWORD")
	if password == "" {
		fmt.Fprint(stdout, "Password (at least 12 characters): ")
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no password given")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if len(password) < 12 {
		return fmt.Errorf("the password must be at least 12 characters")
	}
	cfg, err := loadLenient(nil, getenv, io.Discard)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := st.Prepare(ctx); err != nil {
		return err
	}
	hash, err := hub.HashPassword(password)
	if err != nil {
		return err
	}
	s := store.Staff{Username: username, Name: name, Role: role, PasswordHash: hash}
	if err := st.CreateStaff(ctx, &s); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\ncreated %s (%s) as %s\n", username, name, role)
	return nil
}
