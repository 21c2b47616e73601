/**
 * Checks shared by the bad-input and secrets end-to-end tests: what a clean failure looks like, what
 * one JSON error document looks like, and small readers of Docker and the state under DISCODE_HOME.
 */
import assert from 'node:assert/strict'
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import type {RunResult, World} from './discode.js'
import {docker} from './images.js'

/** Both streams, for assertion messages. */
export function shown(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`
}

/**
 * A failure as users must see it: exit 1, exactly one `Error:` line on stderr that matches `error`,
 * a `Hint:` line (matching `hint` when given, the hint may go on over further lines), no stack trace.
 */
export function assertCleanFailure(result: RunResult, error: RegExp, hint?: RegExp): void {
  assert.equal(result.code, 1, `exit code\n${shown(result)}`)
  const lines = result.stderr.split('\n')
  const errors = lines.filter((line) => line.startsWith('Error:'))
  assert.equal(errors.length, 1, `exactly one Error: line\n${shown(result)}`)
  assert.match(errors[0], error, `the Error: line names the problem\n${shown(result)}`)
  const hintAt = lines.findIndex((line) => line.startsWith('Hint:'))
  assert.ok(hintAt >= 0, `a Hint: line\n${shown(result)}`)
  if (hint) assert.match(lines.slice(hintAt).join('\n'), hint, `the hint\n${shown(result)}`)
  assert.doesNotMatch(result.stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace\n${shown(result)}`)
}

/** `--json` failure: exit 1 and exactly one JSON document on stdout, `{error: {code, message, hint}}`. */
export function assertJsonFailure(result: RunResult, message: RegExp): {code: string; message: string; hint: string} {
  assert.equal(result.code, 1, `exit code\n${shown(result)}`)
  let doc: any
  try {
    doc = JSON.parse(result.stdout)
  } catch {
    assert.fail(`stdout is not one JSON document\n${shown(result)}`)
  }
  assert.equal(typeof doc?.error, 'object', `{error: ...}\n${shown(result)}`)
  for (const key of ['code', 'message', 'hint']) {
    assert.equal(typeof doc.error[key], 'string', `error.${key} is a string\n${shown(result)}`)
    assert.ok(doc.error[key].length > 0, `error.${key} is not empty\n${shown(result)}`)
  }
  assert.match(doc.error.message, message, shown(result))
  return doc.error
}

/** A discode world whose Docker is somewhere nobody listens. */
export function withoutDocker(world: World): World {
  return {...world, env: {...world.env, DOCKER_HOST: 'unix:///tmp/nonexistent.sock'}}
}

/** `NAME=value` entries of a container's environment. */
export async function containerEnv(container: string): Promise<Record<string, string>> {
  const list = JSON.parse((await docker(['inspect', '--format', '{{json .Config.Env}}', container])).stdout) as string[]
  return Object.fromEntries(list.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]))
}

/** Every file and directory under `root` (not following symlinks), with its mode. */
export function walk(root: string): {path: string; dir: boolean; mode: number}[] {
  const found: {path: string; dir: boolean; mode: number}[] = []
  const visit = (dir: string) => {
    let entries
    try {
      entries = readdirSync(dir, {withFileTypes: true})
    } catch {
      return // removed while we looked (a lock, an atomic write's temp file)
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      let mode: number
      try {
        mode = statSync(path).mode & 0o777
      } catch {
        continue
      }
      if (entry.isDirectory()) {
        found.push({path, dir: true, mode})
        visit(path)
      } else if (entry.isFile()) {
        found.push({path, dir: false, mode})
      }
    }
  }
  visit(root)
  return found
}
