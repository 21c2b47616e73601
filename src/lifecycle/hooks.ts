import {randomBytes} from 'node:crypto'

import {runOneOff} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {hookUrl} from '../proxy/app-url.js'
import {recipeHosts} from '../proxy/deploy-args.js'
import type {Recipe} from '../recipes/schema.js'
import type {ReleaseRecord} from '../state/store.js'
import {appContainerSpec} from './container-spec.js'
import {LABELS} from '../names/names.js'
import {type Operation, step} from './operation.js'
import type {DiscodeHookContext, DiscodeHookEvent} from './plugin-hooks.js'
import {FAILURE_LOG_LINES} from './release-container.js'

/** The vendor's code around a deploy: the recipe's hooks and the plugin's hooks. */

export class HookFailedError extends DiscodeError {}

/** Runs one command of a hook in the release's image: a one-off container, or a Swarm job in a cluster. */
export type HookRunner = (
  op: Operation,
  recipe: Recipe,
  release: ReleaseRecord,
  cmd: string[],
  options: {label: string; timeoutMs?: number},
) => Promise<{exitCode: number; output: string; timedOut: boolean}>

/** The recipe's own hooks, each in a one-off run of the new image (a container by default). */
export async function runRecipeHooks(
  op: Operation,
  phase: 'preSwitch' | 'postSwitch',
  recipe: Recipe,
  release: ReleaseRecord,
  run: HookRunner = runInRelease,
): Promise<void> {
  for (const hook of recipe.hooks[phase]) {
    await step(op, `hooks`, `Running ${phase} hook ${hook.name}`, async () => {
      const result = await run(op, recipe, release, hook.run, {label: hook.name})
      if (result.exitCode !== 0) {
        const lastLine = result.output.trim().split('\n').pop() ?? ''
        const why = result.timedOut ? 'timed out' : `exit ${result.exitCode}`
        throw new HookFailedError(`${phase} hook "${hook.name}" failed (${why})${lastLine ? `: ${lastLine}` : ''}`, {
          hint: logHint(result.output),
          code: 'HOOK_FAILED',
        })
      }
    })
  }
}

function logHint(output: string): string | undefined {
  const lines = output.trim().split('\n').filter(Boolean).slice(-FAILURE_LOG_LINES)
  return lines.length > 0 ? `Its last output lines:\n${lines.map((l) => `  | ${l}`).join('\n')}` : undefined
}

/** A one-off container of the release's image with the app's env, volumes and network. */
export const runInRelease: HookRunner = async (op, recipe, release, cmd, options) => {
  const name = `${op.app}-hook-${randomBytes(4).toString('hex')}`
  return runOneOff(
    op.engine.docker,
    {
      ...appContainerSpec(op.engine.settings.network, op.app, recipe, release, name),
      cmd,
      labels: {[LABELS.app]: op.app, [LABELS.hook]: options.label},
    },
    {timeoutMs: options.timeoutMs},
  )
}

/**
 * The vendor plugin's hooks for one event, with a context bound to the new release. They run in a
 * sandboxed process (see PluginHooks); `run` and `log` are what they may ask discode for. No step (and
 * no line) when the plugin has no hook on the event.
 */
export async function runPluginHooks(
  op: Operation,
  event: DiscodeHookEvent,
  recipe: Recipe & {source: string},
  release: ReleaseRecord,
  previous: ReleaseRecord | undefined,
  inputs: Record<string, string>,
): Promise<void> {
  const hooks = op.engine.pluginHooks(recipe.source)
  if (!hooks?.has(event)) return
  await step(op, 'hooks', `Running ${event} hooks`, async () => {
    const url = hookUrl(recipe.proxy, recipeHosts(recipe), op.engine.settings)
    const context: DiscodeHookContext = {
      app: op.app,
      recipe: {name: recipe.name, source: recipe.source},
      release: {version: release.version, image: release.image, container: release.container},
      previous: previous && {version: previous.version, image: previous.image, container: previous.container},
      container: release.container,
      // The app's non-secret input values (secret ones stay in the secrets file).
      inputs: {...inputs},
      ...(url ? {url} : {}),
      run: (cmd, options) => runInRelease(op, recipe, release, cmd, {label: event, timeoutMs: options?.timeoutMs}),
      log: (message) => op.reporter.info(message),
    }
    await hooks.run(event, context)
  })
}
