/**
 * Gathers what an update plan needs for one installed app (its record, recipe, the vendor's feed,
 * its accessory containers, image sizes) and builds the plan. Read-only: takes no lock, writes
 * nothing (a signed feed is verified against what was accepted, not recorded).
 */
import {inspectImage, listContainers} from '../docker/docker.js'
import {credentialsFor} from '../docker/reference.js'
import type {Feed} from '../feed/feed.js'
import {type OfflineFeed, readTrustedFeed} from '../feed/read.js'
import {ACCESSORY_LABELS, accessoryHash} from '../lifecycle/accessories/spec.js'
import type {Engine} from '../lifecycle/context.js'
import {LABELS} from '../lifecycle/names.js'
import {splitSecretInputs} from '../lifecycle/inputs.js'
import {feedFor, loadInstalledRecipe, registryCredentials, renderFor} from '../recipes/installed.js'
import {installedRecord} from '../state/installed.js'
import {renderInputs} from '../recipes/render.js'
import type {RawRecipe, Recipe} from '../recipes/schema.js'
import type {AppRecord, SecretsRecord} from '../state/store.js'
import {imageDownloadBytes} from './image-size.js'
import {planPath, type PlanPathOptions, type UpgradePath} from './path.js'
import {type AccessoryChanges, buildPlan, newInputsByHop, type UpdatePlan} from './plan.js'

export interface PlanOptions extends PlanPathOptions {
  /** Input values given with --set / --set-file. */
  set?: Record<string, string>
  /** --accessories: changed accessories will be replaced. */
  accessories?: boolean
  /** Chooses the target instead of `to`/newest (auto-update policies); undefined = nothing to do. */
  target?: (feed: Feed, current: string) => string | undefined
  /** --allow-unsigned-feed / --no-allow-unsigned-feed and --accept-feed-key (see src/feed/trust.ts). */
  allowUnsignedFeed?: boolean
  acceptFeedKey?: boolean
  /** --bundle: the verified bundle's feed and loaded images (no feed fetch, no download). */
  offline?: OfflineFeed
}

/** The vendor's feed for an installed app, verified when the recipe has a feedKey. */
export async function readAppFeed(
  record: AppRecord,
  raw: RawRecipe,
  secrets: SecretsRecord,
  flags: Pick<PlanOptions, 'allowUnsignedFeed' | 'acceptFeedKey' | 'offline'> = {},
): Promise<Feed> {
  const source = {...feedFor(record.app, raw, record.inputs, secrets), offline: flags.offline}
  const trust = {
    app: record.app,
    installed: true,
    trust: record.feedTrust,
    allowUnsigned: flags.allowUnsignedFeed,
    acceptKey: flags.acceptFeedKey,
  }
  return (await readTrustedFeed(source, trust, record.feedPublished)).feed
}

export async function planAppUpdate(engine: Engine, app: string, options: PlanOptions = {}): Promise<UpdatePlan> {
  const record = await installedRecord(engine.store, app)
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const secrets = await engine.store.readSecrets(app)
  const feed = await readAppFeed(record, raw, secrets, options)
  const current = record.current.version
  let path: UpgradePath
  if (options.target) {
    const to = options.target(feed, current)
    path = to === undefined ? {from: current, hops: []} : planPath(feed, current, {to})
  } else path = planPath(feed, current, options)

  const given = options.set ?? {}
  const inputs = renderInputs(raw, {app: {name: app}})
  const kept = new Set([...Object.keys(record.inputs), ...Object.keys(secrets.inputs)])
  const newInputs = newInputsByHop(inputs, path.hops, kept, new Set(Object.keys(given)))

  // Each hop's recipe as it would render, to compare accessories (undefined when it cannot render yet).
  const defaults = Object.fromEntries(inputs.flatMap((input) => (input.default === undefined ? [] : [[input.name, input.default]])))
  const {plain, secret} = splitSecretInputs(raw, {...defaults, ...record.inputs, ...secrets.inputs, ...given})
  const withInputs = {...secrets, inputs: {...secrets.inputs, ...secret}}
  const render = (release: {version: string; image: string}): Recipe | undefined => {
    try {
      return renderFor(app, raw, plain, withInputs, release)
    } catch {
      return undefined
    }
  }
  const rendered = path.hops.map((hop) => render(hop))
  const accessories = await accessoryChanges(engine, app, rendered)
  const credentials = rendered[0] ? registryCredentials(rendered[0], secrets) : secrets.registry
  const repository = rendered[0]?.image ?? raw.image
  // Credentials only for the recipe's own registry, whatever registry a hop's image names.
  const imageBytes = await Promise.all(
    path.hops.map((hop) =>
      options.offline?.images[hop.image] ? 0 : downloadBytes(engine, hop.image, credentialsFor(hop.image, repository, credentials)),
    ),
  )
  return buildPlan({app, path, recipe: raw, newInputs, accessories, imageBytes, replaceAccessories: Boolean(options.accessories)})
}

/** First hop: against the running accessory containers; later hops: against the hop before. */
async function accessoryChanges(engine: Engine, app: string, rendered: (Recipe | undefined)[]): Promise<AccessoryChanges[]> {
  const running = await listContainers(engine.docker, [`${LABELS.app}=${app}`, ACCESSORY_LABELS.accessory])
  let before: Map<string, string> = new Map(
    running.map((container) => [container.Labels[ACCESSORY_LABELS.accessory], container.Labels[ACCESSORY_LABELS.hash] ?? '']),
  )
  return rendered.map((recipe) => {
    if (!recipe) return {added: [], removed: [], changed: []}
    const after = new Map(Object.entries(recipe.accessories).map(([name, accessory]) => [name, accessoryHash(accessory)]))
    const changes = {
      added: [...after.keys()].filter((name) => !before.has(name)),
      removed: [...before.keys()].filter((name) => !after.has(name)),
      changed: [...after.keys()].filter((name) => before.has(name) && before.get(name) !== after.get(name)),
    }
    before = after
    return changes
  })
}

async function downloadBytes(engine: Engine, image: string, credentials?: {username: string; password: string}): Promise<number | null> {
  // A digest-pinned image already on the host is not pulled again.
  if (image.includes('@sha256:') && (await inspectImage(engine.docker, image).catch(() => undefined))) return 0
  return imageDownloadBytes(image, {credentials})
}
