/**
 * The sandboxed side of a vendor hook: run by `node` under Node's permission model (reads only its own
 * directory: this file and a copy of the plugin; no child processes, workers, addons or writes) and, when
 * discode runs as root, as an unprivileged user. It imports the vendor's hook modules and calls them
 * with a context shaped like the in-process one: its data came with the `start` message, and each of
 * its functions (log, run, add) is a message to discode, which serves it or refuses it.
 *
 * Self-contained on purpose: it is copied beside the plugin, so it may import Node's built-ins only.
 */
import {pathToFileURL} from 'node:url'
import {format} from 'node:util'

interface Start {
  type: 'start'
  event: string
  hooks: {file: string; identifier: string}[]
  data: Record<string, unknown>
  calls: Record<string, 'notify' | 'request'>
}

const pending = new Map<number, {ok: (value: unknown) => void; fail: (error: Error) => void}>()
let nextId = 1

function send(message: unknown): void {
  process.send?.(message)
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function call(method: string, kind: 'notify' | 'request', args: unknown[]): unknown {
  if (kind === 'notify') {
    send({type: 'call', method, args})
    return undefined
  }
  const id = nextId++
  send({type: 'call', id, method, args})
  return new Promise((ok, fail) => pending.set(id, {ok, fail}))
}

function hookContext(start: Start): Record<string, unknown> {
  const context: Record<string, unknown> = {...start.data}
  for (const [method, kind] of Object.entries(start.calls)) context[method] = (...args: unknown[]) => call(method, kind, args)
  return context
}

async function runHooks(start: Start): Promise<void> {
  const context = hookContext(start)
  const log = (text: unknown) => (context.log as ((m: string) => void) | undefined)?.(String(text))
  // A hook's console output is a log line too: it shows inside its step.
  for (const name of ['log', 'info', 'warn', 'error', 'debug'] as const) console[name] = (...args: unknown[]) => log(format(...args))
  // What oclif gave hooks as `this` and `context`, less its Config (nothing of discode is in here).
  const oclif = {
    config: undefined,
    debug() {},
    log: (text?: unknown) => log(text ?? ''),
    warn: (text: unknown) => log(`Warning: ${message(text)}`),
    error(text: unknown) {
      throw text instanceof Error ? text : new Error(String(text))
    },
    exit(code = 0) {
      throw new Error(`hook called exit(${code})`)
    },
  }
  for (const hook of start.hooks) {
    const module = (await import(pathToFileURL(hook.file).href)) as Record<string, unknown>
    const fn = module[hook.identifier] ?? module.default
    if (typeof fn !== 'function') throw new Error(`${hook.file} exports no ${start.event} hook`)
    await (fn as (this: unknown, options: unknown) => Promise<unknown>).call(oclif, {...context, config: undefined, context: oclif})
  }
}

process.on('message', (raw: unknown) => {
  const m = raw as {type?: string; id?: number; value?: unknown; error?: string}
  if (m.type === 'result' && typeof m.id === 'number') {
    const waiting = pending.get(m.id)
    pending.delete(m.id)
    if (m.error !== undefined) waiting?.fail(new Error(m.error))
    else waiting?.ok(m.value)
  } else if (m.type === 'start') {
    runHooks(raw as Start).then(
      () => send({type: 'done'}),
      (error: unknown) => send({type: 'failed', message: message(error)}),
    )
  }
})
process.on('uncaughtException', (error) => send({type: 'failed', message: message(error)}))
process.on('unhandledRejection', (error) => send({type: 'failed', message: message(error)}))
send({type: 'ready'})
