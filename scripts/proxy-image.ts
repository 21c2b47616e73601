/**
 * Which kamal-proxy image the demo and the benchmark run, in one place:
 *   1. `DISCODE_PROXY_IMAGE`, when set, always wins;
 *   2. the real one (`basecamp/kamal-proxy:<version>`, discode's default) when it is on this machine
 *      already (loaded offline or pulled earlier): used as it is, no pull attempted;
 *   3. otherwise a `docker pull` of it;
 *   4. otherwise the project's stand-in (test/fixtures/kamal-proxy), built here.
 */
import {DEFAULT_PROXY_IMAGE} from '../src/config.js'
import {buildStandinImage, STANDIN_IMAGE} from '../test/support/discode.js'
import {docker} from '../test/support/images.js'

export interface ProxyChoice {
  image: string
  /** How it was chosen: set by the user, found locally, pulled, or the stand-in. */
  source: 'env' | 'local' | 'pulled' | 'standin'
  /** True when the image is the project's stand-in rather than a kamal-proxy build. */
  standin: boolean
  /** One line for people, e.g. "basecamp/kamal-proxy:v0.9.2 (found on this machine, not pulled)". */
  description: string
}

/** What the choice may do to the machine; injected so that the order of the attempts can be unit-tested. */
export interface ProxyProbes {
  /** True when Docker has the image locally. */
  isLocal(image: string): Promise<boolean>
  /** Pulls the image; rejects with the reason when it cannot. */
  pull(image: string): Promise<void>
  /** Builds the stand-in; resolves to its image reference. */
  buildStandin(): Promise<string>
}

export async function chooseProxyImage(options: {
  explicit?: string
  real: string
  standinImage: string
  probes: ProxyProbes
}): Promise<ProxyChoice> {
  const {explicit, real, standinImage, probes} = options
  if (explicit) {
    const standin = explicit === standinImage
    if (standin) await probes.buildStandin()
    return {image: explicit, source: 'env', standin, description: `${explicit} (set by DISCODE_PROXY_IMAGE)`}
  }
  if (await probes.isLocal(real))
    return {image: real, source: 'local', standin: false, description: `${real} (found on this machine, not pulled)`}
  let reason: string
  try {
    await probes.pull(real)
    return {image: real, source: 'pulled', standin: false, description: `${real} (pulled)`}
  } catch (error) {
    reason = firstLine((error as Error).message)
  }
  const image = await probes.buildStandin()
  return {
    image,
    source: 'standin',
    standin: true,
    description: `${image}, the project's kamal-proxy stand-in (test/fixtures/kamal-proxy): ${real} is not on this machine and cannot be pulled (${reason})`,
  }
}

/** The first line of an error, without the docker helper's "docker ARGS failed (CODE): " prefix. */
function firstLine(text: string): string {
  const line = (text.trim().split('\n').find(Boolean) ?? 'unknown error').replace(/^docker .*? failed \([^)]*\): /, '')
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}

/** The choice on this machine, with Docker: what the demo and the benchmark call. */
export function chooseProxyImageHere(env: NodeJS.ProcessEnv = process.env): Promise<ProxyChoice> {
  return chooseProxyImage({
    explicit: env.DISCODE_PROXY_IMAGE || undefined,
    real: DEFAULT_PROXY_IMAGE,
    standinImage: STANDIN_IMAGE,
    probes: {
      isLocal: (image) =>
        docker(['image', 'inspect', '--format', '{{.Id}}', image]).then(
          () => true,
          () => false,
        ),
      pull: async (image) => {
        await docker(['pull', '-q', image], {timeoutMs: 120_000})
      },
      buildStandin: buildStandinImage,
    },
  })
}
