/**
 * Doctor's decisions: facts about one thing (the proxy, an app's container, its route, journal, lock,
 * feed) in, a problem with its fix out, or nothing when it is well. Pure, so each is unit-tested.
 */
import type {CheckResult} from './check.js'

/** A repair `doctor --fix` may apply: discode owns the thing and the repair cannot lose anything. */
export type Repair = 'boot-proxy' | 'reroute' | 'recover' | 'clear-lock'

export interface Problem {
  id: string
  app?: string
  /** What is wrong, in one line. */
  message: string
  /** What fixes it (the command, or what `--fix` does). */
  fix: string
  repair?: Repair
  /** The last log lines, for a container that keeps failing. */
  logs?: string[]
}

export interface ProxyFacts {
  exists: boolean
  running: boolean
  restarting: boolean
  image?: string
}

export function proxyProblem(proxy: ProxyFacts, name: string, expectedImage: string): Problem | undefined {
  if (!proxy.exists)
    return {id: 'proxy-missing', message: `The proxy container ${name} does not exist`, fix: 'discode proxy boot', repair: 'boot-proxy'}
  if (proxy.restarting)
    return {
      id: 'proxy-restarting',
      message: `The proxy ${name} keeps restarting`,
      fix: 'See "discode proxy logs"; is another program using its ports?',
    }
  if (!proxy.running)
    return {
      id: 'proxy-stopped',
      message: `The proxy ${name} is stopped: no app is reachable`,
      fix: 'discode proxy boot',
      repair: 'boot-proxy',
    }
  if (proxy.image && proxy.image !== expectedImage)
    return {
      id: 'proxy-image',
      message: `The proxy runs ${proxy.image}, not ${expectedImage} (DISCODE_PROXY_IMAGE)`,
      fix: 'discode proxy reboot (routes survive; a moment without the proxy)',
    }
  return undefined
}

export interface ContainerFacts {
  /** Docker's state: running, restarting, exited, ... or missing. */
  state: string
  restartCount: number
  exitCode?: number
  startedAt?: string
}

/** Restarts within this long of the last start count as a loop, not as a crash long ago. */
const LOOP_WINDOW_MS = 5 * 60_000

export function restartLoop(facts: ContainerFacts, now: number): boolean {
  if (facts.state === 'restarting') return true
  const started = facts.startedAt ? Date.parse(facts.startedAt) : Number.NaN
  const recent = !Number.isNaN(started) && now - started < LOOP_WINDOW_MS
  return facts.restartCount >= 3 && recent
}

export function appContainerProblem(
  app: string,
  container: string,
  facts: ContainerFacts,
  now: number,
  logs: string[],
): Problem | undefined {
  if (restartLoop(facts, now))
    return {
      id: 'restart-loop',
      app,
      message: `${container} is in a restart loop (${facts.restartCount} restarts, last exit code ${facts.exitCode ?? '?'})`,
      fix: `Read its log below; "discode rollback ${app}" goes back to the previous release`,
      logs,
    }
  if (facts.state === 'missing')
    return {
      id: 'container-missing',
      app,
      message: `${container} does not exist`,
      fix: `discode update ${app} --to <version> starts it again`,
    }
  if (facts.state !== 'running')
    return {id: 'container-stopped', app, message: `${container} is ${facts.state}`, fix: `docker start ${container}`, logs}
  return undefined
}

/** The app's container runs but the proxy has no route to it (e.g. removed by hand). */
export function routeProblem(app: string, version: string, containerRunning: boolean, routed: boolean): Problem | undefined {
  if (!containerRunning || routed) return undefined
  return {
    id: 'route-missing',
    app,
    message: `${app} runs, but the proxy does not route to it`,
    fix: `discode update ${app} --to ${version} (routes it again)`,
    repair: 'reroute',
  }
}

export function accessoryProblem(app: string, accessory: {name: string; container: string; health: string}): Problem | undefined {
  if (['healthy', 'running', 'starting'].includes(accessory.health)) return undefined
  return {
    id: 'accessory-unhealthy',
    app,
    message: `Accessory ${accessory.name} (${accessory.container}) is ${accessory.health}`,
    fix: `docker logs ${accessory.container}; "discode update ${app}" starts a stopped or missing one`,
  }
}

/** A recipe process of the serving release with fewer replicas running than it declares. */
export function processProblem(app: string, process: {name: string; wanted: number; running: number}): Problem | undefined {
  if (process.running >= process.wanted) return undefined
  return {
    id: 'process-not-running',
    app,
    message: `Process ${process.name} runs ${process.running} of ${process.wanted} replica(s)`,
    fix: `discode logs ${app} --process ${process.name}; "discode update ${app}" starts the missing ones`,
  }
}

export function journalProblem(
  app: string,
  interrupted: {operation: string; since: string; step?: string} | undefined,
): Problem | undefined {
  if (!interrupted) return undefined
  const where = interrupted.step ? ` during "${interrupted.step}"` : ''
  return {
    id: 'journal-unfinished',
    app,
    message: `The ${interrupted.operation} of ${app} started ${interrupted.since} was interrupted${where}`,
    fix: 'discode doctor --fix (or the next command on the app) finishes or undoes it',
    repair: 'recover',
  }
}

export interface LockFacts {
  /** The lock directory exists. */
  locked: boolean
  holder?: {pid: number; host: string; command: string; since: string}
  holderAlive?: boolean
  thisHost: string
  /** How long since the lock was last refreshed (its heartbeat touches it every few seconds). */
  ageMs: number
}

/** proper-lockfile counts a lock not refreshed for this long as stale. */
export const LOCK_STALE_MS = 15_000

export function lockProblem(app: string, lock: LockFacts): Problem | undefined {
  if (!lock.locked) return undefined
  const deadHolder = lock.holder && lock.holder.host === lock.thisHost && lock.holderAlive === false
  if (!deadHolder && lock.ageMs < LOCK_STALE_MS) return undefined
  const who = lock.holder ? `discode ${lock.holder.command} (pid ${lock.holder.pid}, since ${lock.holder.since})` : 'an unknown process'
  return {
    id: 'lock-stale',
    app,
    message: `${app} is locked by ${who}, which is no longer running`,
    fix: 'discode doctor --fix clears the lock',
    repair: 'clear-lock',
  }
}

export function feedProblem(app: string, error: {code?: string; message: string; hint?: string}): Problem {
  const kinds: Record<string, string> = {
    FEED_EXPIRED: 'feed-expired',
    FEED_SIGNATURE_MISMATCH: 'feed-signature',
    FEED_SIGNATURE_MALFORMED: 'feed-signature',
    FEED_NOT_SIGNED: 'feed-signature',
    FEED_REPLAYED: 'feed-signature',
    FEED_UNSIGNED: 'feed-unsigned',
    FEED_KEY_CHANGED: 'feed-key-changed',
    FEED_IMAGE_FOREIGN: 'feed-image-foreign',
  }
  return {
    id: kinds[error.code ?? ''] ?? 'feed-unreadable',
    app,
    message: error.message,
    fix: error.hint ?? "Check the network to the vendor's feed, or ask the vendor",
  }
}

/** A feed that is read although unsigned and on another host (allowed by the customer, or from before that was required). */
export function unsignedFeedProblem(app: string, warning: string): Problem {
  return {
    id: 'feed-unsigned',
    app,
    message: warning,
    fix: `Ask the vendor for a signed feed (feedKey in the recipe); "discode update ${app} --allow-unsigned-feed" records that you accept the risk, --no-allow-unsigned-feed stops reading it`,
  }
}

/** A host check (disk, clock, Docker version) that warns or fails is a problem too. */
export function checkProblem(check: CheckResult): Problem | undefined {
  if (check.status === 'pass') return undefined
  return {id: check.id, message: check.detail, fix: check.hint ?? ''}
}

/** A cluster app with fewer replicas running than wanted (a lost node without room, a failing start). */
export function clusterReplicasProblem(
  app: string,
  replicas: {service: string; running: number; wanted: number; reason?: string; uneven: boolean},
): Problem | undefined {
  if (replicas.running < replicas.wanted) {
    return {
      id: 'cluster-replicas-missing',
      app,
      message: `${app} runs ${replicas.running} of ${replicas.wanted} replicas${replicas.reason ? `: ${replicas.reason}` : ''}`,
      fix: `docker service ps ${replicas.service} --no-trunc; "discode cluster status" shows which nodes are down`,
    }
  }
  if (!replicas.uneven) return undefined
  return {
    id: 'cluster-replicas-uneven',
    app,
    message: `${app}'s replicas are not spread over the ready nodes (a node came back and got none)`,
    fix: `discode cluster rebalance ${app}`,
  }
}

/**
 * A cluster app whose overlay is not its own (an older install: the next update moves it) or is not
 * encrypted (the nodes' kernels cannot: its traffic between nodes goes in clear).
 */
export function clusterNetworkProblem(
  app: string,
  network: {name: string; encrypted: boolean; shared: boolean; note: string},
): Problem | undefined {
  if (network.shared) {
    return {
      id: 'cluster-network-shared',
      app,
      message: `${app} is on the overlay ${network.name}, which other cluster apps share`,
      fix: `discode update ${app} (it moves to its own overlay with its next release)`,
    }
  }
  if (network.encrypted) return undefined
  return {
    id: 'cluster-network-unencrypted',
    app,
    message: network.note,
    fix: 'Traffic between nodes on it is not encrypted: keep the nodes on a private network, or give them a kernel with IPsec ESP and AES-GCM (see docs/cluster.md)',
  }
}
