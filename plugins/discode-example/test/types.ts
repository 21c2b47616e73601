/**
 * Compile-time checks of discode's hook types, run by `npm run typecheck` (never emitted, never
 * published). Each @ts-expect-error must hit a real type error: if `import type {} from 'discode'`
 * stopped merging the discode events into oclif's Hooks (a second, different copy of @oclif/core,
 * say), the context would fall back to `Record<string, unknown>`, these lines would compile, and
 * tsc would fail on the unused directives.
 */
import type {Hook} from '@oclif/core'
import type {DiscodeHookContext} from 'discode'

export const preSwitch: Hook<'discode:pre-switch'> = async function (context) {
  const app: string = context.app
  const version: string = context.release.version
  const image: string = context.release.image
  const previous: string | undefined = context.previous?.version
  const recipe: {name: string; source: string} = context.recipe
  const result: {exitCode: number; output: string} = await context.run(['/bin/true'], {timeoutMs: 1000})
  context.log(`${app} ${version} ${image} ${previous} ${recipe.name} ${result.exitCode}`)
  // oclif's own options are still there.
  context.config.name satisfies string

  // @ts-expect-error: a misspelt property of the release
  void context.release.versoin
  // @ts-expect-error: there is no `releases` on the context
  void context.releases
  // @ts-expect-error: `previous` is undefined on install; it must be checked
  void context.previous.version
  // @ts-expect-error: run takes an argument vector, not a shell string
  await context.run('bin/rails db:migrate')
  // @ts-expect-error: run resolves to {exitCode, output}, not a number
  const code: number = await context.run(['/bin/true'])
  void code
}

export const postInstall: Hook<'discode:post-install'> = async function (context) {
  // @ts-expect-error: log takes one string
  context.log(42)
}

// The context type itself is exported for helpers that take it.
export function describe(context: DiscodeHookContext): string {
  return `${context.app}@${context.release.version} in ${context.container}`
}
