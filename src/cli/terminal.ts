import type {Terminal} from '../docker/attach.js'
import {wantTty} from '../lifecycle/one-off-plan.js'

/** This process's own streams, for `exec` and `run`: a TTY only when stdin and stdout both are terminals. */
export function processTerminal(signal?: AbortSignal): Terminal {
  const tty = wantTty(process.stdin.isTTY, process.stdout.isTTY)
  return {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, tty, ...(signal ? {signal} : {})}
}
