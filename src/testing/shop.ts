/**
 * The app the orchestration tests install: "shop", a recipe written into the fake world's home, its
 * release images published to the fake registry and listed in the feed. Test support only.
 */
import {install} from '../lifecycle/install.js'
import {type FakeWorld, fakeWorld} from './fake-engine.js'
import type {FeedRelease} from './feed-server.js'

export interface ShopOptions {
  strategy?: 'bluegreen' | 'pause'
  /** preSwitch hook `migrate` (a data migration: an update snapshots first). */
  migrate?: boolean
  /** preRollback hook `unmigrate`. */
  unmigrate?: boolean
  /** An accessory `cache` (no health check). */
  cache?: boolean
  /** A volume `data`. */
  volume?: boolean
  cluster?: number
  /** The recipe's `processes:` entries, one YAML line each (`worker: {command: bin/jobs}`). */
  processes?: string[]
  /** `backup: {consistency: pause}`. */
  pauseBackups?: boolean
}

export const APP = 'shop'

export function shopImage(version: string): string {
  return `shop/app:${version}`
}

/** shop's recipe: health deployTimeout 6s, host shop.localhost, the feed from the world's server. */
export function shopRecipe(world: FakeWorld, options: ShopOptions = {}): string {
  const hooks = [
    'hooks:',
    `  preSwitch: [${options.migrate ? "{name: migrate, run: ['migrate']}" : ''}]`,
    '  postSwitch: []',
    `  preRollback: [${options.unmigrate ? "{name: unmigrate, run: ['unmigrate']}" : ''}]`,
  ]
  const yaml = [
    'name: shop',
    'image: shop/app',
    'port: 80',
    'health: {path: /up, interval: 1s, timeout: 5s, deployTimeout: 6s}',
    `feed: '${world.feed.url}'`,
    'inputs:',
    '  - {name: hostname, default: shop.localhost}',
    'secrets:',
    '  secret_key_base: {generate: hex, length: 32}',
    'env:',
    "  SECRET_KEY_BASE: '{{secrets.secret_key_base}}'",
    "proxy: {host: '{{inputs.hostname}}'}",
    `strategy: ${options.strategy ?? 'bluegreen'}`,
    ...(options.volume ? ['volumes:', '  - {name: data, path: /data}'] : []),
    ...(options.cache ? ['accessories:', '  cache: {image: cache/kv:7, port: 6379}'] : []),
    ...(options.cluster ? [`cluster: {replicas: ${options.cluster}}`] : []),
    ...(options.pauseBackups ? ['backup: {consistency: pause}'] : []),
    ...(options.processes ? ['processes:', ...options.processes.map((line) => `  ${line}`)] : []),
    ...hooks,
  ]
  return world.recipe('shop', `${yaml.join('\n')}\n`)
}

/** Publishes each release's image and lists them in the feed. */
export function publish(world: FakeWorld, releases: (string | FeedRelease)[]): void {
  for (const entry of releases) {
    const release = typeof entry === 'string' ? {version: entry, image: shopImage(entry)} : entry
    world.docker.publish(release.image)
    world.feed.releases.push(release)
  }
}

/** A started world with shop's recipe, the accessory image published and the given releases in the feed. */
export async function shopWorld(
  releases: (string | FeedRelease)[],
  options: ShopOptions = {},
): Promise<{world: FakeWorld; recipe: string}> {
  const world = await fakeWorld()
  const recipe = shopRecipe(world, options)
  world.docker.publish('cache/kv:7')
  publish(world, releases)
  return {world, recipe}
}

/** A fake world with shop 1.0.0 installed (from a recipe of these options; on a cluster when asked). */
export async function installedShop(options: ShopOptions = {}, cluster?: boolean): Promise<FakeWorld> {
  const {world, recipe} = await shopWorld(['1.0.0'], options)
  await installShop(world, recipe, undefined, cluster)
  return world
}

export async function installShop(world: FakeWorld, recipe: string, version?: string, cluster?: boolean) {
  return install(world.engine, {app: APP, recipe, set: {}, version, ...(cluster ? {cluster: {}} : {})})
}
