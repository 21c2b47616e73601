import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import type {ReleaseImage} from './container-spec.js'
import type {Operation} from './operation.js'

/** A rendered recipe and where it came from (plugin hooks run only for their own vendor's recipes). */
export type SourcedRecipe = Recipe & {source: string}

/** What goes live: the record before, the new release's recipe and image, and why (install or update). */
export interface DeployPlan {
  record: AppRecord
  recipe: SourcedRecipe
  release: ReleaseImage
  kind: 'install' | 'update'
}

/** A switch that happened: the release now serving, and the one that still runs beside it, if any. */
export interface Switched {
  next: ReleaseRecord
  /** The release that served before and still runs: goLive retires it once the record says so. */
  stillRunning?: ReleaseRecord
  /** Milliseconds the proxy held requests while the switch happened (pause strategy). */
  heldMs?: number
}

/**
 * How a release goes live. Each strategy owns its whole switch (deploy and rollback) and its way
 * back when the new release fails before taking traffic: then what served before serves again and
 * the error (notDeployedError) says so. Install is a deploy with no previous release.
 */
export interface Strategy {
  readonly name: Recipe['strategy']
  deploy(op: Operation, plan: DeployPlan): Promise<Switched>
  rollback(op: Operation, move: {recipe: Recipe; current: ReleaseRecord; target: ReleaseRecord}): Promise<Switched>
}

/**
 * Why a release never took traffic, for every strategy: the reason, then `serving` (what users get
 * now), the cause's own hint and the failed release's last log lines.
 */
export function notDeployedError(error: unknown, version: string, serving: string | undefined, logs: string): DiscodeError {
  if (error instanceof RemovedReleaseError) return notDeployedError(error.cause, version, serving, logs || error.logs)
  const reason = error instanceof Error ? error.message : String(error)
  const hints = [
    serving,
    (error as DiscodeError).hint,
    logs.trim()
      ? `Last log lines of the failed release:\n${logs
          .trim()
          .split('\n')
          .map((l) => `  | ${l}`)
          .join('\n')}`
      : undefined,
  ].filter(Boolean)
  return new DiscodeError(`${version} was not deployed: ${reason}`, {
    hint: hints.join('\n'),
    code: (error as DiscodeError).code ?? 'DEPLOY_FAILED',
    cause: error,
  })
}

/** A start that failed and removed its release already (see startRelease): the cause, and the release's last log lines. */
export class RemovedReleaseError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly logs: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), {cause})
  }
}
