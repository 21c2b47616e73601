/**
 * An app's auto-update policy and its memory (the last failure, what was announced), kept with the
 * app in `apps/<app>/auto-update.json` (0600, written atomically), apart from the app's record, which
 * the lifecycle owns.
 */
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {z} from 'zod'

import {DiscodeError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'

export const POLICIES = ['patch', 'minor', 'major', 'off'] as const
export type Policy = (typeof POLICIES)[number]

const PolicySchema = z.object({
  policy: z.enum(POLICIES),
  channel: z.string().min(1).default('stable'),
  window: z.string().optional(),
  timezone: z.string().optional(),
  /** The last auto-update that failed: not tried again until something newer is published or it is cleared. */
  failed: z.object({version: z.string(), at: z.string(), reason: z.string()}).optional(),
  /** The newest version an "update available" notice was sent for (each is announced once). */
  announced: z.string().optional(),
  /** What the last run did for this app. */
  lastRun: z.object({at: z.string(), outcome: z.string(), detail: z.string().optional()}).optional(),
})

export type AutoUpdateState = z.output<typeof PolicySchema>

export function policyFile(home: string, app: string): string {
  return join(home, 'apps', app, 'auto-update.json')
}

export function readPolicy(home: string, app: string): AutoUpdateState | undefined {
  const file = policyFile(home, app)
  if (!existsSync(file)) return undefined
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw unreadable(file, (error as Error).message)
  }
  const parsed = PolicySchema.safeParse(data)
  if (!parsed.success) throw unreadable(file, parsed.error.issues[0]?.message ?? 'invalid')
  return parsed.data
}

export function writePolicy(home: string, app: string, state: AutoUpdateState): void {
  writeFileAtomic(policyFile(home, app), `${JSON.stringify(state, null, 2)}\n`)
}

export function removePolicy(home: string, app: string): void {
  rmSync(policyFile(home, app), {force: true})
}

function unreadable(file: string, why: string): DiscodeError {
  return new DiscodeError(`The auto-update settings ${file} cannot be read: ${why}`, {
    hint: 'Set the policy again with "discode auto-update APP --policy ..." (it rewrites the file)',
    code: 'STATE_UNREADABLE',
  })
}
