import type {CheckResult} from './support/check.js'

const MARK: Record<CheckResult['status'], string> = {pass: 'ok  ', warn: 'WARN', fail: 'FAIL'}

/** Host checks as people read them: one line each, the hint indented under a warning or failure. */
export function checkLines(checks: CheckResult[], options: {onlyProblems?: boolean} = {}): string[] {
  return checks
    .filter((check) => !options.onlyProblems || check.status !== 'pass')
    .flatMap((check) => [
      `${MARK[check.status]}  ${check.id.padEnd(14)} ${check.detail}`,
      ...(check.hint && check.status !== 'pass' ? [`      ${''.padEnd(14)} -> ${check.hint}`] : []),
    ])
}
