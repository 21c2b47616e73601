import {type CheckReport, type OperationRun, stopTime} from '../release-check/report.js'

/** `update: ok in 4210 ms, hooks 650 ms, ...; worker 2/2 running (1.1.0)`, or `rollback: needs a data choice (...)`. */
export function operationLine(report: CheckReport, run: OperationRun): string {
  const name = [run.operation, ...(run.flags ?? [])].join(' ')
  if (run.needsDataChoice) return `${name}: needs a data choice (customers must choose --restore-data or --keep-data)`
  const hooks = run.timings.hooks === undefined ? '' : `, hooks ${run.timings.hooks} ms`
  const stopped = stopTime(run, report.strategy)
  const stop = stopped === undefined ? '' : `, old release stopped in ${stopped} ms`
  const processes = (run.processes ?? []).map(
    (p) => `${p.name} ${p.running}/${p.wanted} running (${[...new Set(p.versions)].join(', ') || '-'})`,
  )
  const tail = processes.length > 0 ? `; ${processes.join(', ')}` : ''
  return `${name}: ${run.ok ? 'ok' : 'FAILED'} in ${run.ms} ms${hooks}${stop}${tail}`
}
