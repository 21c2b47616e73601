/** One host check's verdict, as preflight and doctor report it: a status and a one-line hint. */
export type CheckStatus = 'pass' | 'warn' | 'fail'

export interface CheckResult {
  /** Stable id (`memory`, `disk`, `port-http`, ...), for scripts reading --json. */
  id: string
  status: CheckStatus
  /** What was found, in one line. */
  detail: string
  /** What to do about it (warn and fail only). */
  hint?: string
}

export function pass(id: string, detail: string): CheckResult {
  return {id, status: 'pass', detail}
}

export function warn(id: string, detail: string, hint: string): CheckResult {
  return {id, status: 'warn', detail, hint}
}

export function fail(id: string, detail: string, hint: string): CheckResult {
  return {id, status: 'fail', detail, hint}
}
