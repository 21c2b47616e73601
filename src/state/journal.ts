import {appendFileSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {redact} from '../secrets/redact.js'

export interface JournalEntry {
  at: string
  /** `begin`/`end` bracket one operation; `start`/`done`/`failed` bracket each of its steps. */
  event: 'begin' | 'start' | 'done' | 'failed' | 'end'
  /** The operation (install, update, ...) for begin/end, the step name otherwise. */
  name: string
  detail?: string
}

export interface Interrupted {
  operation: string
  since: string
  /** The step that had started and not finished when the process died (if any). */
  step?: string
  /** Steps that did finish. */
  done: string[]
}

/**
 * What the app's current operation has done, step by step, in `apps/<app>/journal.jsonl` (0600):
 * written and flushed before and after each step, so a process killed at any point leaves a record
 * that the next command reads to say what was interrupted, and to recover (see reconcile).
 * Only the latest operation is kept. Details (messages, a failure's reason and log lines) pass through
 * the support bundle's redaction with the secrets `secrets` returns, read when an entry is written
 * (an install generates its secrets after it began).
 */
export class Journal {
  private readonly file: string

  constructor(
    appDir: string,
    private readonly secrets: () => string[] = () => [],
  ) {
    this.file = join(appDir, 'journal.jsonl')
  }

  /** Starts a new operation, replacing the previous one's entries (atomically). */
  begin(operation: string, detail?: string): void {
    const temp = `${this.file}.tmp`
    writeFileSync(temp, line({at: now(), event: 'begin', name: operation, detail: this.redacted(detail)}), {mode: 0o600})
    renameSync(temp, this.file)
  }

  record(event: JournalEntry['event'], name: string, detail?: string): void {
    let fd: number
    try {
      fd = openSync(this.file, 'a', 0o600)
    } catch (error) {
      // The app's directory is gone (uninstall --purge): nothing left to journal.
      if ((error as {code?: string}).code === 'ENOENT') return
      throw error
    }
    try {
      appendFileSync(fd, line({at: now(), event, name, detail: this.redacted(detail)}))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }

  private redacted(detail: string | undefined): string | undefined {
    return detail === undefined ? undefined : redact(detail, this.secrets())
  }

  entries(): JournalEntry[] {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch {
      return []
    }
    // A line cut short by a crash is dropped: every complete line is a complete entry.
    return text.split('\n').flatMap((raw) => {
      try {
        return raw ? [JSON.parse(raw) as JournalEntry] : []
      } catch {
        return []
      }
    })
  }

  /** The last operation, if it began and never ended. */
  interrupted(): Interrupted | undefined {
    const entries = this.entries()
    const begin = entries.find((e) => e.event === 'begin')
    if (!begin || entries.some((e) => e.event === 'end')) return undefined
    // Steps run one after another, never nested: the last one started and not finished was running.
    const steps = entries.filter((e) => e.event === 'start' || e.event === 'done' || e.event === 'failed')
    const last = steps.at(-1)
    return {
      operation: begin.name,
      since: begin.at,
      step: last?.event === 'start' ? last.name : undefined,
      done: steps.filter((e) => e.event === 'done').map((e) => e.name),
    }
  }
}

function line(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`
}

function now(): string {
  return new Date().toISOString()
}
