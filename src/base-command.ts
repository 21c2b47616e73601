import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type {Interfaces} from '@oclif/core'
import * as ux from '@oclif/core/ux'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {finishPendingWork} from './backup/pending-check.js'
import {settingsFromEnv} from './config.js'
import type {PullProgress} from './docker/docker.js'
import {DiscodeError} from './errors.js'
import type {Engine, Reporter} from './lifecycle/context.js'
import {pluginRecipeRoots, vendorHooks} from './plugin-host.js'
import type {RecipeRoot} from './recipes/resolve.js'

/**
 * What every discode command shares: `--json`, errors as `Error:` + `Hint:` lines, and the engine
 * wired to this process's environment. Commands only parse flags and print; the engine does the work.
 */
export abstract class DiscodeCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {}

  /** `--set-file` for commands that take input values (with `--set`; see inputValues). */
  static setFileFlag = {
    'set-file': Flags.string({
      description:
        'Input value read from a file, KEY=PATH, or from standard input, KEY=- (repeatable; a final newline is dropped): for secret inputs, which --set would show in the process list',
      multiple: true,
    }),
  }

  /** `--wait` for commands that take the app's lock. */
  static waitFlag = {
    wait: Flags.boolean({description: 'If another discode is working on the app, wait for it instead of failing'}),
  }

  private actionRunning = false

  /** When this command began (ms since the process started): what came before is start-up. */
  private readonly startedAt = performance.now()

  /**
   * The engine, wired to this process's environment and plugins. Its modules are imported here, not
   * at the top: commands that never touch Docker or state (recipes, feed) start without them.
   */
  protected async engine(): Promise<Engine> {
    const [{connectDocker}, {Proxy}, {StateStore}, {runtimeFor, clusterSettings}, {backups}] = await Promise.all([
      import('./docker/docker.js'),
      import('./proxy/proxy.js'),
      import('./state/store.js'),
      import('./runtimes.js'),
      import('./backup/port.js'),
    ])
    const settings = settingsFromEnv(process.env, this.config.configDir)
    const docker = connectDocker()
    const command = this
    let recipeRoots: RecipeRoot[] | undefined
    const reporter = this.jsonEnabled() ? this.quietReporter() : this.terminalReporter()
    return {
      settings,
      docker,
      proxy: new Proxy(docker, settings, (message) => reporter.info(message)),
      store: new StateStore(settings.home),
      reporter,
      // Looked up when an operation resolves a recipe: a report (status) never does.
      get recipeRoots() {
        recipeRoots ??= command.recipeRoots()
        return recipeRoots
      },
      pluginHooks: (source) => vendorHooks(this.config, source, {warn: (message) => reporter.warn(message)}),
      finishPendingWork,
      backups,
      runtimeFor,
      clusterSettings,
    }
  }

  /** Built-in recipes first, then those of every installed or linked plugin. */
  protected recipeRoots(): RecipeRoot[] {
    return [{source: 'builtin', dir: join(this.config.root, 'recipes')}, ...pluginRecipeRoots(this.config, (m) => this.warn(m))]
  }

  /**
   * For --json (operations and status): `startupMs` is the process's start-up (node, oclif, this
   * command's modules) and `totalMs` the time since the process started, so that with an operation's
   * step `timings` a script can tell where the time of the run went.
   */
  /**
   * A destructive step the user must confirm: asked on a terminal (`question()` built only then),
   * else refused with a hint to add --yes. A "no" stops the command, nothing changed.
   */
  protected async confirmOrStop(what: string, question: () => Promise<string> | string): Promise<void> {
    const {confirmationRequired} = await import('./backup/purge.js')
    if (!process.stdin.isTTY) throw confirmationRequired(what)
    const {confirm} = await import('@inquirer/prompts')
    if (!(await confirm({message: `${await question()} Go on?`, default: false}))) this.error('Nothing was changed', {exit: 1})
  }

  protected elapsed(): {startupMs: number; totalMs: number} {
    return {startupMs: Math.round(this.startedAt), totalMs: Math.round(performance.now())}
  }

  /** --json output: oclif colours it token by token even into a pipe, where no colour shows; a script gets it as it is. */
  override logJson(json: unknown): void {
    if (process.stdout.isTTY) super.logJson(json)
    else ux.stdout(JSON.stringify(json, null, 2))
  }

  /** Prints rows as aligned columns (the first row is the header). */
  protected table(rows: string[][]): void {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)))
    for (const row of rows)
      this.log(
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
          .join('  ')
          .trimEnd(),
      )
  }

  private terminalReporter(): Reporter {
    return {
      stepStarted: (_step, message) => {
        this.actionRunning = true
        ux.action.start(message)
      },
      stepFinished: (_step, _ms, ok) => {
        this.actionRunning = false
        ux.action.stop(ok ? 'done' : 'failed')
      },
      ...progressReporter(ux.action),
      // Inside a step (a hook's log line), the spinner holds back what is written until it stops: print
      // it now, under the step's line, which is repeated with its outcome at the end.
      info: (message) => this.besideAction(() => this.logToStderr(message)),
      warn: (message) => this.besideAction(() => this.warn(message)),
    }
  }

  private besideAction(write: () => void): void {
    if (this.actionRunning) ux.action.pause(write)
    else write()
  }

  private quietReporter(): Reporter {
    return {stepStarted() {}, stepFinished() {}, pullProgress() {}, info() {}, warn: (message) => ux.stderr(`Warning: ${message}`)}
  }

  /** DiscodeErrors are expected failures: one line, a hint, exit 1, no stack trace. */
  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    if (this.actionRunning) ux.action.stop('failed')
    if (!(error instanceof DiscodeError)) return super.catch(error)
    process.exitCode = 1
    if (this.jsonEnabled()) this.logJson({error: {code: error.code, message: error.message, hint: error.hint}})
    // Also with --json (where oclif's logToStderr is silent): stdout has the JSON, stderr the reason.
    ux.stderr(`Error: ${error.message}`)
    if (error.hint) ux.stderr(`Hint: ${error.hint}`)
    return undefined
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1)
}

/**
 * Input values from `--set KEY=VALUE` (the value may contain anything, `=` too) and `--set-file
 * KEY=PATH` (the file's content; `-` is standard input, for one key: `pass show shop | discode install
 * ... --set-file license_key=-`). `inArguments` names those whose value sat in the process arguments.
 */
export function inputValues(
  set: string[] | undefined,
  setFile: string[] | undefined,
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): {values: Record<string, string>; inArguments: string[]} {
  const values: Record<string, string> = {}
  for (const [key, value] of (set ?? []).map((pair) => splitPair('--set', pair, 'VALUE', 'hostname=app.example.com'))) values[key] = value
  const inArguments = Object.keys(values)
  const files = (setFile ?? []).map((pair) => splitPair('--set-file', pair, 'PATH', 'license_key=./license.txt'))
  const fromStdin = files.filter(([, path]) => path === '-').map(([key]) => key)
  if (fromStdin.length > 1) {
    throw new DiscodeError(`--set-file can read standard input for one key, not ${fromStdin.length} (${fromStdin.join(', ')})`, {
      hint: 'Give the other values in files: --set-file KEY=PATH',
      code: 'BAD_FLAG',
    })
  }
  for (const [key, path] of files) {
    try {
      values[key] = (path === '-' ? readStdin() : readFileSync(path, 'utf8')).replace(/\r?\n$/, '')
    } catch (error) {
      throw new DiscodeError(
        `Cannot read the file of --set-file ${key}: ${path === '-' ? 'standard input' : path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        {
          hint: 'Give a readable file that holds the value',
          code: 'BAD_FLAG',
        },
      )
    }
  }
  return {values, inArguments}
}

function splitPair(flag: string, pair: string, what: string, example: string): [string, string] {
  const at = pair.indexOf('=')
  if (at <= 0) throw new DiscodeError(`${flag} ${pair} is not KEY=${what}`, {hint: `e.g. ${flag} ${example}`, code: 'BAD_FLAG'})
  return [pair.slice(0, at), pair.slice(at + 1)]
}

/**
 * Pull and copy progress as the spinner's status, ten times a second at most. Only on an animated
 * spinner: without a terminal, oclif's plain action prints the step's line again with every status.
 */
export function progressReporter(action: {type?: string; status?: string}): Pick<Reporter, 'pullProgress' | 'transferProgress'> {
  let lastProgress = 0
  const show = (status: string) => {
    const now = Date.now()
    if (action.type !== 'spinner' || now - lastProgress < 100) return
    lastProgress = now
    action.status = status
  }
  return {
    // Repainting the spinner status on every Docker event is wasteful: ten times a second is plenty.
    pullProgress: (_image, progress: PullProgress) => {
      if (progress.total > 0) show(`${megabytes(progress.current)} / ${megabytes(progress.total)} MB`)
    },
    transferProgress: (label, bytes) => show(`${label}: ${megabytes(bytes)} MB`),
  }
}
