//go:build !linux

package main

import "os/exec"

// setProcAttr needs nothing outside Linux; the server is stopped on the way out.
func setProcAttr(cmd *exec.Cmd) {}
