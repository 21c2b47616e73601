import {inspectNetwork} from '../docker/networks.js'
import {ensureOverlayNetwork, listServices, updateService} from '../docker/swarm.js'
import type {Engine} from '../lifecycle/context.js'
import type {ClusterNetworkStatus} from '../lifecycle/release-runtime.js'
import {LABELS} from '../names/names.js'
import {appNetworkLabels} from '../lifecycle/network-plan.js'
import type {AppNetworkPort} from '../lifecycle/network-port.js'
import type {Operation} from '../lifecycle/operation.js'
import {checkEncryption, rememberedCheck, removeWhenFree, swarmId} from './encryption-probe.js'
import {encryptionChoice, overlayNote, serviceNetworksAfter, serviceUnits} from './overlay-plan.js'

/** Label on an app overlay: whether discode created it encrypted (`true`/`false`). */
export const ENCRYPTED_LABEL = 'discode.encrypted'

/**
 * A cluster app's network as settleAppNetwork drives it (see overlay-plan.ts): its own overlay, made
 * encrypted where the probe found encrypted traffic flowing between nodes; its services as release
 * units. The overlay is attachable because the proxy and the accessories are plain containers on the
 * manager; only discode attaches anything to it (see docs/cluster.md, "Each app on its own overlay").
 */
export const overlayPort: AppNetworkPort = {
  async create(op, network) {
    const {encrypted, reason} = await encryptionFor(op)
    const labels = {...appNetworkLabels(op.app), [ENCRYPTED_LABEL]: String(encrypted)}
    await ensureOverlayNetwork(op.engine.docker, network, {labels, encrypted})
    op.reporter.info(overlayNote(network, encrypted, reason))
  },
  async units(op, networks) {
    const {docker} = op.engine
    const [services, ...infos] = await Promise.all([
      listServices(docker, `${LABELS.app}=${op.app}`),
      ...networks.map((n) => inspectNetwork(docker, n)),
    ])
    const names = Object.fromEntries(infos.flatMap((info) => (info ? [[info.id, info.name]] : [])))
    const targets = (spec: Record<string, unknown>) =>
      ((spec.TaskTemplate as {Networks?: {Target: string}[]}).Networks ?? []).map((n) => n.Target)
    return serviceUnits(
      services.map((s) => ({name: s.name, replicas: s.replicas, networkIds: targets(s.spec)})),
      names,
    )
  },
  async move(op, action) {
    const id = (await inspectNetwork(op.engine.docker, action.network))?.id ?? action.network
    await updateService(op.engine.docker, action.container, (spec) => {
      const template = spec.TaskTemplate as {Networks?: {Target: string}[]}
      return {...spec, TaskTemplate: {...template, Networks: serviceNetworksAfter(template.Networks ?? [], {...action, id})}}
    })
  },

  async remove(op, network) {
    try {
      await removeWhenFree(op.engine.docker, network)
      return true
    } catch (error) {
      op.reporter.warn(
        `Network ${network} is kept: Swarm still uses it (${(error as Error).message}); "docker network rm ${network}" removes it later`,
      )
      return false
    }
  },
}

/** The remembered answer for this swarm, else a probe now (a conclusive answer is remembered). */
async function encryptionFor(op: Operation): Promise<{encrypted: boolean; reason?: string}> {
  const remembered = rememberedCheck(op.engine)
  const swarm = await swarmId(op.engine.docker)
  if (remembered?.swarm === swarm) return encryptionChoice(remembered, swarm)
  op.reporter.info('Checking whether encrypted overlay traffic flows between the nodes (once per cluster)')
  const check = await checkEncryption(op.engine)
  return check.works ? {encrypted: true} : {encrypted: false, reason: check.reason}
}

/** How a cluster app's overlay stands, for status and doctor: its own (encrypted or why not), or the shared one of an older install. */
export async function overlayStatus(engine: Engine, network: string): Promise<ClusterNetworkStatus | undefined> {
  const info = await inspectNetwork(engine.docker, network)
  if (!info) return undefined
  const shared = info.labels['discode.network'] !== 'app'
  const encrypted = info.labels[ENCRYPTED_LABEL] === 'true'
  const reason = shared
    ? 'it is the overlay all cluster apps shared before each got its own (the next update moves the app)'
    : rememberedCheck(engine)?.reason
  return {name: info.name, encrypted, shared, note: overlayNote(info.name, encrypted, reason)}
}
