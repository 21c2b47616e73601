/** The shape of one benchmark run's results (also written raw to .tmp/bench-results.json). */
import type {Anatomy} from './anatomy.js'
import type {CpuUse} from './cpu.js'
import type {ProxyChoice} from '../proxy-image.js'
import type {LoadTotals} from './load.js'
import type {Summary, Window} from './stats.js'

export interface BenchConfig {
  quick: boolean
  /** Requests per second of the steady load. */
  rate: number
  connections: number
  /** discode switches (updates and rollbacks, alternating) under load. */
  switches: number
  /** discode switches on the 3-node cluster (the same as `switches`; fewer in a quick run). */
  clusterSwitches: number
  traditionalUpdates: number
  /** Steady load before the first switch, discarded as warm-up. */
  warmupMs: number
  /** Steady load after the warm-up, before the first switch (steady state also includes the gaps). */
  baselineMs: number
  /** Steady load between two switches. */
  gapMs: number
  startupApps: number
  scaleApps: number
  /** Runs per command for the start-up and status medians. */
  runs: number
  /** Runs of `status --offline` with every scale app installed. */
  scaleStatusRuns: number
  /** Runs per probe of the start-up anatomy. */
  anatomyRuns: number
  onlineStatusRuns: number
  installConcurrency: number
  timeoutSeconds: number
}

export interface SwitchResult {
  n: number
  command: string
  from?: string
  to?: string
  code: number
  error?: string
  wallMs: number
  timings: Record<string, number>
  /** Wall time minus the sum of the step timings. */
  overheadMs: number
  /** The overhead split by the run's own `elapsed` (its --json): start-up, in the run, exit (ms). */
  overheadSplit?: {
    /** From the process's start to the command's start: node, oclif, loading the command's modules. */
    startup: number
    /** The command's run minus its steps: lock, journal, records, rendering the recipe, printing. */
    inRun: number
    /** Spawn and exit as the caller sees them: wall time minus the process's own total. */
    outsideRun: number
  }
  window: Window
  summary: Summary
  /** As for the traditional update: first failure to recovery; 0 when nothing failed. */
  downtimeMs: number
  versions: Record<string, number>
}

export interface TraditionalResult {
  n: number
  from: string
  to: string
  /** `docker stop` + `docker run` (the pull happened before, outside the window). */
  wallMs: number
  stopMs: number
  runMs: number
  window: Window
  /** The requests sent in the window (latency). */
  summary: Summary
  /** The requests sent from `docker stop` until the next update (failures, downtime). */
  period: Summary
  downtimeMs: number
}

export interface LoadReport {
  /** Requests sent before the measurement started (warm-up, not counted). */
  warmup: number
  all: Summary
  steady: Summary
  windows: Summary
  /** Failed requests outside every switch window (should be 0). */
  failedOutside: number
  autocannon: LoadTotals['autocannon']
  durationS: number
  /** Requests per second actually sent after the warm-up. */
  achievedRate: number
  /** Listen-queue overflows in the serving app containers during the phase (SYN drops: +1 s each). */
  listenOverflows: number
}

/**
 * The same switches on a 3-node Swarm stand (test/support/swarm.ts): 3 replicas, one per node, behind
 * the proxy on the manager, which reaches them over the cluster's overlay network.
 */
export interface ClusterReport extends LoadReport {
  switches: SwitchResult[]
  nodes: number
  replicas: number
  /** Replicas per node (`cluster status`) right after the install and after the last switch. */
  placement: {installed: Record<string, number>; end: Record<string, number>}
  /** Seconds: the stand (incl. waiting for another run's), `cluster init` + joins, the install, the teardown. */
  setup: {standS: number; joinS: number; installS: number; teardownS: number}
}

export interface ScaleSwitch {
  command: string
  code: number
  error?: string
  wallMs: number
  others: Summary
  target: Summary
}

export interface Results {
  date: string
  command: string
  config: BenchConfig
  /** The kamal-proxy image the run used, and how it was chosen. */
  proxy: ProxyChoice
  /** The picture written beside docs/benchmarks.md, and how many ms of each phase it shows. */
  timeline?: {file: string; spanMs: number}
  machine: Record<string, string>
  discode: LoadReport & {switches: SwitchResult[]}
  traditional: LoadReport & {updates: TraditionalResult[]}
  /** Absent in the results of runs from before the cluster phase. */
  cluster?: ClusterReport
  /**
   * Wall times (ms); `statusListing`: status without its last proxy listing, as the first one after a change
   * to the routes (it runs `kamal-proxy list`); `statusStartup`: status's own `elapsed.startupMs`, the part
   * before it asks Docker anything.
   */
  startup: {
    apps: number
    runs: number
    node: number[]
    version: number[]
    status: number[]
    /** The same two commands from a copy of the CLI without the autocomplete and not-found plugins. */
    versionWithoutPlugins: number[]
    statusWithoutPlugins: number[]
    statusListing: number[]
    statusStartup: number[]
  }
  anatomy: Anatomy
  /** Machine CPU use per phase (the machine may be shared with other work). */
  cpu: Record<string, CpuUse>
  scale: {
    apps: number
    routes: number
    statusOffline: number[]
    statusOnline: number[]
    load: {
      listenOverflows: number
      achievedRate: number
      all: Summary
      others: Summary
      target: Summary
      unattributed: number
      hosts: number
    }
    switches: ScaleSwitch[]
  }
  findings: string[]
  totalSeconds: number
}
