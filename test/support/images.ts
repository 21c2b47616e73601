/**
 * Test app images, built locally FROM scratch (no Docker Hub) and pushed to the local test registry
 * that scripts/services.sh starts. Sources: test/fixtures/apps/ (one Dockerfile, three targets).
 *
 *   <registry>/discode-test/app:1.0.0|1.1.0|1.2.0  GET / -> "version=<v>\n", GET /up -> 200,
 *                                                  GET /cgi-bin/slow?ms=N sleeps N ms then 200,
 *                                                  GET /cgi-bin/node -> "node=<$DISCODE_NODE>\n" (the
 *                                                  swarm node a replica runs on; "node=\n" if unset),
 *                                                  /www/data/ is a mount point served at /data/
 *   <registry>/discode-test/app:unhealthy          GET / -> "version=9.9.9-unhealthy\n", /up -> 404 forever
 *   <registry>/discode-test/app:crash              exits 3 at start after "boom: config missing" on stderr
 *
 * Every app container stops promptly and gracefully on SIGTERM (requests in flight finish, exit 0).
 */
import {execFile} from 'node:child_process'
import {copyFile, cp, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REGISTRY: string = process.env.DISCODE_TEST_REGISTRY ?? '127.0.0.1:5000'
export const REPOSITORY = `${REGISTRY}/discode-test/app`

export type TestTag = '1.0.0' | '1.1.0' | '1.2.0' | 'unhealthy' | 'crash'
export const TEST_TAGS: readonly TestTag[] = ['1.0.0', '1.1.0', '1.2.0', 'unhealthy', 'crash']

export interface TestImages {
  repository: string
  /** Full references, e.g. `127.0.0.1:5000/discode-test/app:1.0.0`. */
  tags: Record<TestTag, string>
}

/** The body `GET /` answers for each tag (crash never answers). */
export const TEST_BODIES: Record<Exclude<TestTag, 'crash'>, string> = {
  '1.0.0': 'version=1.0.0\n',
  '1.1.0': 'version=1.1.0\n',
  '1.2.0': 'version=1.2.0\n',
  unhealthy: 'version=9.9.9-unhealthy\n',
}

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/apps')
const BUSYBOX = process.env.DISCODE_TEST_BUSYBOX ?? '/usr/bin/busybox'

const BUILDS: Record<TestTag, {target: string; version?: string}> = {
  '1.0.0': {target: 'app', version: '1.0.0'},
  '1.1.0': {target: 'app', version: '1.1.0'},
  '1.2.0': {target: 'app', version: '1.2.0'},
  unhealthy: {target: 'unhealthy', version: '9.9.9-unhealthy'},
  crash: {target: 'crash'},
}

export interface DockerResult {
  stdout: string
  stderr: string
}

/** Run the docker CLI with an argument vector (no shell). Rejects with stderr in the message. */
export function docker(args: string[], opts: {timeoutMs?: number} = {}): Promise<DockerResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'docker',
      args,
      {timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024, env: {...process.env, DOCKER_BUILDKIT: '0'}},
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException & {code?: unknown}).code
          const err = new Error(
            `docker ${args.join(' ')} failed (${code ?? error.signal ?? 'error'}): ${String(stderr).trim() || error.message}`,
            {cause: error},
          ) as Error & {exitCode?: unknown; stdout?: string; stderr?: string}
          err.exitCode = code
          err.stdout = String(stdout)
          err.stderr = String(stderr)
          reject(err)
          return
        }
        resolvePromise({stdout: String(stdout), stderr: String(stderr)})
      },
    )
  })
}

let inflight: Promise<TestImages> | undefined

/**
 * Build every test image (docker build cache makes a rebuild take well under a second each) and push
 * every tag to the registry. Idempotent; concurrent callers in one process share one run. Requires
 * the registry to be up (`bash scripts/services.sh`).
 */
export function buildAndPushTestImages(): Promise<TestImages> {
  inflight ??= doBuildAndPush().finally(() => {
    inflight = undefined
  })
  return inflight
}

async function doBuildAndPush(): Promise<TestImages> {
  const tags = Object.fromEntries(TEST_TAGS.map((tag) => [tag, `${REPOSITORY}:${tag}`])) as Record<TestTag, string>
  await buildAndPushFixtureImages(
    'apps',
    (context) => cp(FIXTURES, context, {recursive: true}),
    TEST_TAGS.map((tag) => ({
      tag: tags[tag],
      target: BUILDS[tag].target,
      args: BUILDS[tag].version ? [`APP_VERSION=${BUILDS[tag].version}`] : [],
    })),
  )
  return {repository: REPOSITORY, tags}
}

/**
 * Builds test images FROM scratch and pushes them: `fill` copies the fixture files into a fresh build
 * context, the host's static busybox is added as `busybox`, then each image is built (in order, so the
 * first fills the cache for shared stages) with its target and build args, and all are pushed.
 */
export async function buildAndPushFixtureImages(
  name: string,
  fill: (context: string) => Promise<void>,
  builds: {tag: string; target?: string; args?: string[]}[],
): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), `discode-test-${name}-`))
  try {
    await fill(context)
    await copyFile(BUSYBOX, join(context, 'busybox')).catch((error: unknown) => {
      throw new Error(`cannot copy ${BUSYBOX} into the build context (apt-get install busybox-static)`, {cause: error})
    })
    for (const build of builds) {
      const target = build.target ? ['--target', build.target] : []
      await docker([
        'build',
        '--quiet',
        ...target,
        ...(build.args ?? []).flatMap((arg) => ['--build-arg', arg]),
        '--tag',
        build.tag,
        context,
      ])
    }
  } finally {
    await rm(context, {recursive: true, force: true})
  }
  await Promise.all(builds.map((build) => docker(['push', build.tag])))
}

/** `docker rmi -f REF`, ignoring a missing image: lets a test prove that a later pull is a real pull. */
export async function removeLocalImage(ref: string): Promise<void> {
  try {
    await docker(['rmi', '-f', ref])
  } catch (error) {
    if (/no such image|not found/i.test(String((error as Error).message))) return
    throw error
  }
}

/** True when the image is present in the local Docker image store. */
export async function localImageExists(ref: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', '--format', '{{.Id}}', ref])
    return true
  } catch {
    return false
  }
}
