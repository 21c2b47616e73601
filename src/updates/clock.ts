import {DiscodeError} from '../errors.js'

/**
 * The time a run decides by: the real clock, or an injected one (`--now` or DISCODE_NOW, ISO 8601),
 * so tests and an admin's dry thinking can ask "what would happen on Saturday at 03:00".
 */
export function clockNow(given: string | undefined, env: NodeJS.ProcessEnv = process.env, real: () => Date = () => new Date()): Date {
  const value = given ?? env.DISCODE_NOW
  if (value === undefined || value === '') return real()
  const parsed = Date.parse(value)
  if (Number.isNaN(parsed))
    throw new DiscodeError(`${given === undefined ? 'DISCODE_NOW' : '--now'} ${JSON.stringify(value)} is not an ISO 8601 time`, {
      hint: 'e.g. 2026-12-05T02:30:00Z',
      code: 'BAD_FLAG',
    })
  return new Date(parsed)
}
