/**
 * Images for the accessory tests, built locally FROM scratch with the host's static busybox (like
 * images.ts) and pushed to the local test registry. Sources: test/fixtures/accessory/.
 *
 *   <registry>/discode-test/accessory-app:1.0.0|1.1.0|1.2.0  GET / -> "version=<v>\n", GET /up -> 200,
 *       GET /cgi-bin/db?op=...&key=...&value=... -> what the db accessory answers (502 if unreachable)
 *   <registry>/discode-test/accessory-db:1|2   the db accessory on :7000: /cgi-bin/kv stores keys in
 *       /var/lib/db (guarded by $DB_PASSWORD), /healthz -> 200 about a second after the start
 */
import {copyFile, cp, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {docker, REGISTRY} from './images.js'

export const ACCESSORY_APP_REPOSITORY = `${REGISTRY}/discode-test/accessory-app`
export const ACCESSORY_DB_REPOSITORY = `${REGISTRY}/discode-test/accessory-db`

export type AccessoryAppTag = '1.0.0' | '1.1.0' | '1.2.0'
export type AccessoryDbTag = '1' | '2'

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/accessory')
const BUSYBOX = process.env.DISCODE_TEST_BUSYBOX ?? '/usr/bin/busybox'

const BUILDS: {tag: string; target: 'app' | 'db'; arg: string}[] = [
  ...(['1.0.0', '1.1.0', '1.2.0'] as const).map((v) => ({tag: `${ACCESSORY_APP_REPOSITORY}:${v}`, target: 'app' as const, arg: `APP_VERSION=${v}`})),
  ...(['1', '2'] as const).map((v) => ({tag: `${ACCESSORY_DB_REPOSITORY}:${v}`, target: 'db' as const, arg: `DB_VERSION=${v}`})),
]

let inflight: Promise<void> | undefined

/** Builds and pushes every accessory test image. Idempotent; concurrent callers share one run. */
export function buildAndPushAccessoryImages(): Promise<void> {
  inflight ??= doBuild().finally(() => {
    inflight = undefined
  })
  return inflight
}

async function doBuild(): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), 'discode-test-accessory-'))
  try {
    await cp(FIXTURES, context, {recursive: true})
    await copyFile(BUSYBOX, join(context, 'busybox')).catch((error: unknown) => {
      throw new Error(`cannot copy ${BUSYBOX} into the build context (apt-get install busybox-static)`, {cause: error})
    })
    for (const build of BUILDS) await docker(['build', '--quiet', '--target', build.target, '--build-arg', build.arg, '--tag', build.tag, context])
  } finally {
    await rm(context, {recursive: true, force: true})
  }
  await Promise.all(BUILDS.map((build) => docker(['push', build.tag])))
}

export function accessoryFeed(versions: AccessoryAppTag[]) {
  return {releases: versions.map((version) => ({version, image: `${ACCESSORY_APP_REPOSITORY}:${version}`, channel: 'stable'}))}
}
