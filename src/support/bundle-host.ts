/** The host's part of a support bundle: versions, docker info essentials, the proxy, doctor's result. */
import {containerLogText, inspectContainer} from '../docker/docker.js'
import type {Engine} from '../lifecycle/context.js'
import type {BundleEntry} from './bundle-archive.js'
import {dockerInfo, dockerVersion} from './docker-api.js'
import {diagnose} from './doctor.js'

/** Lines of each container's log in the bundle. */
export const BUNDLE_LOG_LINES = 200

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

export async function hostEntries(engine: Engine, discodeVersion: string, app?: string): Promise<BundleEntry[]> {
  const [version, info] = await Promise.all([
    dockerVersion(engine.docker).catch((error: Error) => ({error: error.message})),
    dockerInfo(engine.docker).catch((error: Error) => ({error: error.message})),
  ])
  return [
    {path: 'versions.json', content: json({discode: discodeVersion, node: process.version, platform: process.platform, docker: version})},
    {path: 'docker-info.json', content: json(info)},
    {path: 'settings.json', content: json(engine.settings)},
    {path: 'doctor.json', content: json(await diagnose(engine, {app}).catch((error: Error) => ({error: error.message})))},
    ...(await proxyEntries(engine)),
  ]
}

async function proxyEntries(engine: Engine): Promise<BundleEntry[]> {
  const name = engine.settings.proxyContainer
  const info = await inspectContainer(engine.docker, name)
  if (!info) return [{path: 'proxy/container.json', content: json({container: name, state: 'missing'})}]
  const routes = info.State.Running ? await engine.proxy.routes().catch((error: Error) => ({error: error.message})) : undefined
  return [
    {
      path: 'proxy/container.json',
      content: json({
        container: name,
        image: info.Config.Image,
        state: info.State,
        restartCount: info.RestartCount,
        ports: info.HostConfig.PortBindings,
        routes,
      }),
    },
    {path: 'proxy/logs.txt', content: await containerLogText(engine.docker, name, {tail: BUNDLE_LOG_LINES})},
  ]
}
