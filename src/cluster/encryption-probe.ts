import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import type {DockerClient} from '../docker/client.js'
import {removeNetwork} from '../docker/networks.js'
import {createService, ensureOverlayNetwork, listNodes, listTasks, removeService, swarmMembership} from '../docker/swarm.js'
import type {Engine} from '../lifecycle/context.js'
import {LABELS} from '../names/names.js'
import {writeFileAtomic} from '../fs/atomic.js'
import {type EncryptionCheck, probeVerdict} from './overlay-plan.js'
import {judgeJob, judgeReplicas} from './tasks.js'

/**
 * Whether encrypted overlay traffic flows between two nodes: Docker creates an encrypted overlay on
 * any kernel, but without IPsec ESP and AES-GCM its traffic between nodes is silently dropped. So the
 * probe sends some: on a short-lived encrypted overlay, a tiny web server task on another node and a
 * one-off job on this manager fetching a token from it. The answer is remembered per swarm (in
 * DISCODE_HOME) when it is conclusive; the probe's network and services are always removed.
 */

/** busybox has sh, httpd, wget and timeout; every node pulls it the way it pulls the apps' images. */
export const DEFAULT_PROBE_IMAGE = 'busybox:1.36'
const TOKEN = 'discode-probe-ok'
const PORT = 8080
const POLL_MS = 200
const SERVER_WAIT_MS = 90_000
const CLIENT_WAIT_MS = 40_000

function checkFile(engine: Engine): string {
  return join(engine.settings.home, 'cluster-encryption.json')
}

export function rememberedCheck(engine: Engine): EncryptionCheck | undefined {
  try {
    return JSON.parse(readFileSync(checkFile(engine), 'utf8')) as EncryptionCheck
  } catch {
    return undefined
  }
}

/** The swarm's id (a check belongs to one swarm). */
export async function swarmId(docker: DockerClient): Promise<string> {
  const swarm = (await docker.swarmInspect().catch(() => ({}))) as {ID?: string}
  return swarm.ID ?? ''
}

/** Probes the swarm once and remembers a conclusive answer; returns what it found. */
export async function checkEncryption(engine: Engine): Promise<EncryptionCheck & {conclusive: boolean}> {
  const swarm = await swarmId(engine.docker)
  const verdict = await probe(engine)
  const check: EncryptionCheck = {
    swarm,
    works: verdict.works,
    checkedAt: new Date().toISOString(),
    ...(verdict.reason ? {reason: verdict.reason} : {}),
  }
  if (verdict.conclusive) writeFileAtomic(checkFile(engine), `${JSON.stringify(check, null, 2)}\n`)
  return {...check, conclusive: verdict.conclusive}
}

async function probe(engine: Engine): Promise<{works: boolean; conclusive: boolean; reason?: string}> {
  const {docker} = engine
  const self = (await swarmMembership(docker)).nodeId
  const other = (await listNodes(docker)).find((n) => n.id !== self && n.state === 'ready' && n.availability === 'active')
  if (!self || !other)
    return {
      works: false,
      conclusive: false,
      reason: 'the cluster had one node when it was checked, so no traffic between nodes could be tried',
    }
  const id = randomBytes(4).toString('hex')
  // Never `<base>-<app>`: an app's overlay is named so (overlay-plan.ts).
  const network = `discode-probe-${id}`
  const server = network
  const client = `${server}-client`
  const image = engine.settings.clusterProbeImage ?? DEFAULT_PROBE_IMAGE
  await ensureOverlayNetwork(docker, network, {labels: {'discode.network': 'probe'}, encrypted: true})
  try {
    const serve = `mkdir -p /tmp/p && echo ${TOKEN} > /tmp/p/index.html && exec httpd -f -p ${PORT} -h /tmp/p`
    await createService(docker, probeSpec(server, image, serve, network, other.id, 'server'))
    const up = await waitFor(
      () => listTasks(docker, server),
      (tasks) => judgeReplicas(tasks, 1).verdict !== 'waiting',
      SERVER_WAIT_MS,
    )
    const running = judgeReplicas(up.last, 1).verdict === 'ready'
    if (!running) return probeVerdict({done: false}, {running, reason: judgeReplicas(up.last, 1).reason})
    const fetch = `for i in 1 2 3 4 5 6; do timeout 2 wget -q -O - http://${server}:${PORT}/ | grep -q ${TOKEN} && exit 0; sleep 0.5; done; exit 1`
    await createService(docker, probeSpec(client, image, fetch, network, self, 'client'))
    const ended = await waitFor(
      () => listTasks(docker, client),
      (tasks) => judgeJob(tasks).done,
      CLIENT_WAIT_MS,
    )
    return probeVerdict(judgeJob(ended.last), {running})
  } finally {
    await removeService(docker, client).catch(() => {})
    await removeService(docker, server).catch(() => {})
    await removeWhenFree(docker, network)
  }
}

/** A probe task: the server a service of 1 replica on the other node, the client a one-off job here. */
function probeSpec(name: string, image: string, script: string, network: string, node: string, role: 'server' | 'client') {
  return {
    Name: name,
    // The hook label lets the test engine run the client job as it runs hooks.
    Labels: {'discode.probe': role, ...(role === 'client' ? {[LABELS.hook]: 'encryption-probe'} : {})},
    TaskTemplate: {
      ContainerSpec: {Image: image, Command: ['sh', '-c', script]},
      RestartPolicy: {Condition: 'none'},
      Placement: {Constraints: [`node.id==${node}`]},
      Networks: [{Target: network}],
    },
    Mode: role === 'server' ? {Replicated: {Replicas: 1}} : {ReplicatedJob: {MaxConcurrent: 1, TotalCompletions: 1}},
    EndpointSpec: {Mode: 'dnsrr'},
  }
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<{ok: boolean; last: T}> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const last = await read()
    if (done(last)) return {ok: true, last}
    if (Date.now() > deadline) return {ok: false, last}
    await sleep(POLL_MS)
  }
}

/** An overlay is removable once the removed services' tasks have let go of it (a few seconds). */
export async function removeWhenFree(docker: DockerClient, network: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await removeNetwork(docker, network)
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(500)
    }
  }
}
