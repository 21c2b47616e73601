/**
 * Gather, the part every operation on an app shares (install, update, rollback): the record as
 * runOperation read it (op.record), the recipe parsed once, the secrets file read once, the feed read
 * once as step `feed`; and the blockers a plan returns instead of throwing. Reads only.
 */
import {type ContainerInfo, listContainers} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import type {FeedTrustInput} from '../feed/trust.js'
import {type FeedSource, readTrustedFeed, type TrustedFeed} from '../feed/read.js'
import {loadInstalledRecipe} from '../recipes/installed.js'
import type {RawRecipe} from '../recipes/schema.js'
import type {InstalledRecord} from '../state/installed.js'
import type {SecretsRecord} from '../state/store.js'
import {ACCESSORY_LABELS} from './accessories/spec.js'
import {LABELS, notInstalledError} from '../names/names.js'
import {type Operation, step} from './operation.js'

/** Why a plan cannot be carried out: nothing runs while a plan has any (the first is thrown). */
export interface PlanBlocker {
  code: string
  message: string
  hint: string
}

/** A planner's refusal (a DiscodeError: its code, message and hint) as a blocker; anything else is a bug, thrown. */
export function blockerOf(error: unknown): PlanBlocker {
  if (error instanceof DiscodeError) return {code: error.code, message: error.message, hint: error.hint ?? ''}
  throw error
}

/** The error an operation refuses a blocked plan with: its first blocker, as it was worded. */
export function blockedError(blocker: PlanBlocker): DiscodeError {
  return new DiscodeError(blocker.message, {hint: blocker.hint || undefined, code: blocker.code})
}

/** The facts every operation on an installed app starts from. Holds secrets: never printed as it is. */
export interface AppFacts {
  app: string
  record: InstalledRecord
  raw: RawRecipe
  /** The secrets file as read. */
  storedSecrets: SecretsRecord
}

/** The record runOperation read under the lock (op.record), which must name a serving release. */
export function installedOf(op: Operation): InstalledRecord {
  if (!op.record?.current) throw notInstalledError(op.app)
  return op.record as InstalledRecord
}

/** The installed recipe (parsed once) and the secrets (read once) of `record`. */
export async function readAppFacts(op: Operation, record: InstalledRecord): Promise<AppFacts> {
  const {raw} = loadInstalledRecipe(op.engine.recipeRoots, record)
  return {app: op.app, record, raw, storedSecrets: await op.engine.store.readSecrets(op.app)}
}

/** Reads an app's feed: fetched and verified by default; a bundle gives the feed it carries instead. */
export type FeedReader = (source: FeedSource, trust: Omit<FeedTrustInput, 'url' | 'key'>, newestAccepted?: string) => Promise<TrustedFeed>

/** Step `feed`: the vendor's feed read once (verified when signed); a trust warning is told. */
export async function readFeed(
  op: Operation,
  source: FeedSource,
  trust: Omit<FeedTrustInput, 'url' | 'key'>,
  options: {newestAccepted?: string; read?: FeedReader} = {},
): Promise<TrustedFeed> {
  const read = options.read ?? readTrustedFeed
  const message = source.key ? 'Reading and verifying the signed release feed' : 'Reading the release feed'
  const feed = await step(op, 'feed', message, () => read(source, trust, options.newestAccepted))
  if (feed.decision.warning) op.reporter.warn(feed.decision.warning)
  return feed
}

/** The app's accessory containers, listed once (a plan diffs the recipe's against them; the deploy starts from them). */
export function accessoryContainers(op: Operation): Promise<ContainerInfo[]> {
  return listContainers(op.engine.docker, [`${LABELS.app}=${op.app}`, ACCESSORY_LABELS.accessory])
}
