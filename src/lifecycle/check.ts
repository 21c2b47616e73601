import {chooseRelease, type Release} from '../feed/feed.js'
import {feedFor, loadInstalledRecipe} from '../recipes/installed.js'
import {installedRecord} from '../state/installed.js'
import type {Engine} from './context.js'
import {readFeed} from './facts.js'
import {unjournaled} from './operation.js'

export interface UpdateCheck {
  app: string
  current: string
  /** The release an update would install; undefined when up to date. */
  available?: Release
  /** The feed is unsigned and on another host (allowed by the customer, or installed before that was required). */
  feedWarning?: string
}

/** What `update` would install, without touching anything (`update --check`, `status`). */
export async function checkUpdate(engine: Engine, app: string, options: {to?: string} = {}): Promise<UpdateCheck> {
  const record = await installedRecord(engine.store, app)
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const feed = feedFor(app, raw, record.inputs, await engine.store.readSecrets(app))
  // Read-only: verifies the feed against what was accepted, but records nothing (no lock held).
  const trust = {app, installed: true, trust: record.feedTrust}
  const read = await readFeed(unjournaled(engine, app), feed, trust, {newestAccepted: record.feedPublished})
  const {decision} = read
  const available = chooseRelease(read.feed, {current: record.current.version, to: options.to})
  return {
    app,
    current: record.current.version,
    available: available?.version === record.current.version ? undefined : available,
    ...(decision.warning ? {feedWarning: decision.warning} : {}),
  }
}
