import {DiscodeError} from '../errors.js'

/**
 * The decisions of `discode exec` and `discode run` (one-off commands in an app): which command a
 * task name stands for, whether a TTY is attached, and which `run` containers a crash left behind.
 */

/** On every `discode run` container: `<host>:<pid>` of the discode process that waits for it. */
export const RUN_LABEL = 'discode.run'

export function runLabelValue(host: string, pid: number): string {
  return `${host}:${pid}`
}

/**
 * Whether the discode process that started a `run` container still waits for it. A container of
 * another host (a shared Docker engine) cannot be judged here: it is left alone.
 */
export function runOwnerAlive(label: string | undefined, here: {host: string; alive: (pid: number) => boolean}): boolean {
  const match = /^(.*):(\d+)$/.exec(label ?? '')
  if (!match) return false
  if (match[1] !== here.host) return true
  return here.alive(Number(match[2]))
}

/** A TTY only when both ends are terminals: piped input or captured output stays byte for byte. */
export function wantTty(stdinIsTty: boolean | undefined, stdoutIsTty: boolean | undefined): boolean {
  return Boolean(stdinIsTty && stdoutIsTty)
}

/** A recipe task's command line as argv: split on spaces (a list keeps arguments with spaces). */
export function taskArgv(task: string | string[]): string[] {
  return Array.isArray(task) ? task : task.trim().split(/\s+/)
}

/**
 * What `discode run APP ARGS` runs: a task of the recipe named by a single word, else ARGS as given.
 * A task name followed by more words gets them appended (`run myapp console --sandbox`).
 */
export function runCommand(args: string[], tasks: Record<string, string | string[]>): {argv: string[]; task?: string} {
  if (args.length === 0) {
    const names = Object.keys(tasks)
    throw new DiscodeError('Nothing to run', {
      hint:
        names.length > 0
          ? `Name a task (${names.join(', ')}) or a command after --`
          : 'Give the command after --, e.g. discode run myapp -- sh',
      code: 'RUN_NO_COMMAND',
    })
  }
  const task = Object.hasOwn(tasks, args[0]) ? args[0] : undefined
  return task ? {argv: [...taskArgv(tasks[task]), ...args.slice(1)], task} : {argv: args}
}
