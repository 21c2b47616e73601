/**
 * Images for the accessory tests, built locally FROM scratch with the host's static busybox (like
 * images.ts) and pushed to the local test registry. Sources: test/fixtures/accessory/.
 *
 *   <registry>/discode-test/accessory-app:1.0.0|1.1.0|1.2.0  GET / -> "version=<v>\n", GET /up -> 200,
 *       GET /cgi-bin/db?op=...&key=...&value=... -> what the db accessory answers (502 if unreachable)
 *   <registry>/discode-test/accessory-db:1|2   the db accessory on :7000: /cgi-bin/kv stores keys in
 *       /var/lib/db (guarded by $DB_PASSWORD), /healthz -> 200 about a second after the start
 */
import {cp} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {buildAndPushFixtureImages, REGISTRY} from './images.js'

export const ACCESSORY_APP_REPOSITORY = `${REGISTRY}/discode-test/accessory-app`
export const ACCESSORY_DB_REPOSITORY = `${REGISTRY}/discode-test/accessory-db`
export const ACCESSORY_SIGINT_IMAGE = `${REGISTRY}/discode-test/accessory-sigint:1`

export type AccessoryAppTag = '1.0.0' | '1.1.0' | '1.2.0'
export type AccessoryDbTag = '1' | '2'

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/accessory')

const BUILDS: {tag: string; target: 'app' | 'db' | 'sigint'; arg?: string}[] = [
  ...(['1.0.0', '1.1.0', '1.2.0'] as const).map((v) => ({
    tag: `${ACCESSORY_APP_REPOSITORY}:${v}`,
    target: 'app' as const,
    arg: `APP_VERSION=${v}`,
  })),
  ...(['1', '2'] as const).map((v) => ({tag: `${ACCESSORY_DB_REPOSITORY}:${v}`, target: 'db' as const, arg: `DB_VERSION=${v}`})),
  {tag: ACCESSORY_SIGINT_IMAGE, target: 'sigint'},
]

let inflight: Promise<void> | undefined

/** Builds and pushes every accessory test image. Idempotent; concurrent callers share one run. */
export function buildAndPushAccessoryImages(): Promise<void> {
  inflight ??= doBuild().finally(() => {
    inflight = undefined
  })
  return inflight
}

function doBuild(): Promise<void> {
  return buildAndPushFixtureImages(
    'accessory',
    (context) => cp(FIXTURES, context, {recursive: true}),
    BUILDS.map((build) => ({tag: build.tag, target: build.target, args: build.arg ? [build.arg] : []})),
  )
}

export function accessoryFeed(versions: AccessoryAppTag[]) {
  return {releases: versions.map((version) => ({version, image: `${ACCESSORY_APP_REPOSITORY}:${version}`, channel: 'stable'}))}
}
