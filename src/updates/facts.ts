/**
 * Gather: everything an update decides from, read once (under the app's lock when it is applied):
 * the record, the installed recipe, the settled inputs and secrets, the vendor's feed (fetched and
 * verified once, src/feed/read.ts), the app's accessory containers and whether the proxy routes it.
 * Reads only: generated secrets, a feed's trust and its `published` time are written by apply.ts.
 */
import {type ContainerInfo, listContainers} from '../docker/docker.js'
import type {Feed} from '../feed/feed.js'
import {type FeedSource, type OfflineFeed, readTrustedFeed, type TrustedFeed} from '../feed/read.js'
import type {FeedTrustInput} from '../feed/trust.js'
import {ACCESSORY_LABELS} from '../lifecycle/accessories/spec.js'
import {assertInputsValid, ensureGeneratedSecrets, inputValues, type SettledInput, splitSecretInputs} from '../lifecycle/inputs.js'
import {LABELS} from '../names/names.js'
import {type Operation, step} from '../lifecycle/operation.js'
import {feedFor, loadInstalledRecipe} from '../recipes/installed.js'
import {renderInputs} from '../recipes/render.js'
import type {RawRecipe} from '../recipes/schema.js'
import type {InstalledRecord} from '../state/installed.js'
import type {AppRecord, SecretsRecord} from '../state/store.js'
import type {PlanPathOptions} from './path.js'

/** Reads an app's feed: fetched and verified by default; a bundle gives the feed it carries instead. */
export type FeedReader = (source: FeedSource, trust: Omit<FeedTrustInput, 'url' | 'key'>, newestAccepted?: string) => Promise<TrustedFeed>

/** What the customer asks of one update (`discode update` flags, an auto-update policy). */
export interface UpdateRequest extends PlanPathOptions {
  /** Input values given with --set / --set-file. */
  set?: Record<string, string>
  /** --accessories: changed accessories are replaced (and orphans removed). */
  accessories?: boolean
  /** false (--no-snapshot): no snapshot before a migration or an accessory replacement. */
  snapshot?: boolean
  /** Deploy the serving release again even with nothing newer (a new certificate to apply). */
  reroute?: boolean
  /** Chooses the target instead of `to`/newest (auto-update policies); undefined = nothing to do. */
  target?: (feed: Feed, current: string) => string | undefined
  /** --allow-unsigned-feed / --no-allow-unsigned-feed and --accept-feed-key (see src/feed/trust.ts). */
  allowUnsignedFeed?: boolean
  acceptFeedKey?: boolean
  /** Where the feed comes from (default: fetched from the recipe's URL and verified, readTrustedFeed). */
  feedSource?: FeedReader
  /** --bundle: the verified bundle's feed and loaded images (no feed fetch, no pull, no download). */
  offline?: OfflineFeed
}

/** Everything the plan is made from; gathered once. Holds secrets: never printed as it is. */
export interface Facts {
  app: string
  record: InstalledRecord
  raw: RawRecipe
  /** Each input of the recipe, settled by the one precedence rule (inputValues). */
  inputs: SettledInput[]
  /** The inputs kept before this update (the record's plain ones and the secret ones). */
  kept: ReadonlySet<string>
  plain: Record<string, string>
  /** With this update's secret inputs and any newly generated secret (not written yet). */
  secrets: SecretsRecord
  /** The secrets file as read: apply writes `secrets` only when they differ. */
  storedSecrets: SecretsRecord
  feed: TrustedFeed
  signed: boolean
  /** The app's accessory containers, as Docker listed them. */
  accessories: ContainerInfo[]
  /** Whether the proxy routes the app to its current release. */
  routed: boolean
}

/** The vendor's feed of an installed app, read as an update reads it (`auto-update run` decides from it). */
export async function readAppFeed(record: AppRecord, raw: RawRecipe, secrets: SecretsRecord): Promise<TrustedFeed> {
  const source = feedFor(record.app, raw, record.inputs, secrets)
  return readTrustedFeed(source, {app: record.app, installed: true, trust: record.feedTrust}, record.feedPublished)
}

/** Gathers the facts of an installed app's update; the feed is read as step `feed`. */
export async function gatherFacts(op: Operation, state: {record: AppRecord; routed: boolean}, request: UpdateRequest): Promise<Facts> {
  const {app} = op
  const record = state.record as InstalledRecord
  const {raw} = loadInstalledRecipe(op.engine.recipeRoots, record)
  const storedSecrets = await op.engine.store.readSecrets(app)
  const given = request.set ?? {}
  const kept = {...record.inputs, ...storedSecrets.inputs}
  const inputs = inputValues(renderInputs(raw, {app: {name: app}}), given, kept)
  assertInputsValid(raw, given, inputs)
  const values = Object.fromEntries(inputs.flatMap((s) => (s.value === undefined ? [] : [[s.input.name, s.value]])))
  const {plain, secret} = splitSecretInputs(raw, values)
  const secrets = ensureGeneratedSecrets(raw, {...storedSecrets, inputs: secret})
  const source = {...feedFor(app, raw, plain, secrets), offline: request.offline}
  const read = request.feedSource ?? readTrustedFeed
  const trust = {app, installed: true, trust: record.feedTrust, allowUnsigned: request.allowUnsignedFeed, acceptKey: request.acceptFeedKey}
  const feed = await step(op, 'feed', source.key ? 'Reading and verifying the signed release feed' : 'Reading the release feed', () =>
    read(source, trust, record.feedPublished),
  )
  if (feed.decision.warning) op.reporter.warn(feed.decision.warning)
  const accessories = await listContainers(op.engine.docker, [`${LABELS.app}=${app}`, ACCESSORY_LABELS.accessory])
  return {
    app,
    record,
    raw,
    inputs,
    kept: new Set(Object.keys(kept)),
    plain,
    secrets,
    storedSecrets,
    feed,
    signed: Boolean(source.key),
    accessories,
    routed: state.routed,
  }
}
