package main

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel kill the server if the benchmark itself dies.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
