/**
 * The prologue every e2e file shared, once: `useWorld(name)` registers, in the calling `describe`, the
 * hooks that build and push the test images and the proxy stand-in, create an isolated world (its own
 * home, network, proxy and free ports on 127.0.0.1) and a feed server, and remove them all afterwards.
 * `installed(world, version, ...)` gives the `it` that asks an installed app: a fresh uniquely named one,
 * or the file's shared app, installed by the first `it` that needs it. So any one `it` runs alone:
 *
 *   node --import tsx --test --test-name-pattern "rollback" test/e2e/lifecycle.test.ts
 *
 *   const {world, feed, cleanup} = useWorld('life')
 *   it('...', async () => {
 *     const {app, host} = await installed(world, '1.0.0', {recipe: recipeDir, app: APP, host: HOST})
 *   })
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before} from 'node:test'

import {buildStandinImage, createWorld, destroyWorld, discode, feedOf, type World} from './discode.js'
import {type FeedServer, startFeedServer} from './http.js'
import {buildAndPushTestImages, type TestImages} from './images.js'

export interface WorldOptions<I = TestImages> {
  /**
   * Builds and pushes the images the file runs (default: the test app images), and whatever else the
   * file prepares meanwhile; its result is `images`. The stand-in is always built.
   */
  images?: () => Promise<I>
  proxyImage?: string
  /** What the feed server answers at first (default: 1.0.0 of the test app); `false`: no feed server. */
  feed?: unknown
}

export interface TestWorld<I = TestImages> {
  /** The world; it exists once the suite's `before` hooks ran (reading it earlier throws). */
  world: World
  feed: FeedServer
  /** What `images` built (default: the test app images). */
  images: I
  /** Runs `work` after the file's tests, before the world is removed (last registered, first run). */
  cleanup(work: () => unknown): void
}

/** Registers the world's `before` and `after` hooks in the calling `describe` (see the file comment). */
export function useWorld<I = TestImages>(name: string, options: WorldOptions<I> = {}): TestWorld<I> {
  let world: World | undefined
  let feed: FeedServer | undefined
  let images: I | undefined
  const cleanups: (() => unknown)[] = []
  before(async () => {
    const build = options.images ?? (buildAndPushTestImages as unknown as () => Promise<I>)
    ;[images] = await Promise.all([build(), buildStandinImage()])
    world = await createWorld(name, {proxyImage: options.proxyImage})
    if (options.feed !== false) feed = await startFeedServer(options.feed ?? feedOf([{version: '1.0.0', tag: '1.0.0'}]))
  })
  after(async () => {
    for (const work of cleanups.reverse()) await work()
    await feed?.close()
    if (world) await destroyWorld(world)
  })
  return {
    world: lazy(`the world ${name}`, () => world),
    feed: lazy(`the feed server of ${name}`, () => feed),
    images: lazy(`the images of ${name}`, () => images as object | undefined) as I,
    cleanup: (work) => void cleanups.push(work),
  }
}

/** An object that stands for the one `get` returns once it exists (methods bound to it). */
function lazy<T extends object>(what: string, get: () => T | undefined): T {
  const target = (): T => {
    const value = get()
    if (!value) throw new Error(`${what} exists only once the suite's before hook ran`)
    return value
  }
  return new Proxy({} as T, {
    get(_, key) {
      const value: unknown = Reflect.get(target(), key)
      return typeof value === 'function' ? value.bind(target()) : value
    },
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key)
      return descriptor && {...descriptor, configurable: true}
    },
  })
}

export interface InstallOptions {
  recipe: string
  /** The file's shared app: installed only if it is not yet (then reused as it is). Default: a fresh app. */
  app?: string
  /** Default: `<app>.test`. */
  host?: string
  /** More install arguments (`--set key=value`, ...). */
  args?: string[]
}

let serial = 0

/**
 * An installed app for the `it` that asks: a fresh uniquely named one at `version` (named after the
 * world, so that removing the world removes its volumes), or the shared `app`, installed at `version`
 * by the first `it` that needs it.
 */
export async function installed(world: World, version: string, options: InstallOptions): Promise<{app: string; host: string}> {
  const app = options.app ?? `${world.name}-a${++serial}`
  const host = options.host ?? `${app}.test`
  if (options.app && installedVersion(world, app)) return {app, host}
  const args = ['install', app, '--recipe', options.recipe, '--set', `hostname=${host}`, '--version', version, ...(options.args ?? [])]
  const result = await discode(world, args)
  assert.equal(result.code, 0, `discode ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`)
  return {app, host}
}

/** The version the app's record says is installed (undefined before its install and after an uninstall). */
export function installedVersion(world: World, app: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(world.home, 'apps', app, 'app.json'), 'utf8')) as {current?: {version: string}}).current?.version
  } catch {
    return undefined
  }
}
