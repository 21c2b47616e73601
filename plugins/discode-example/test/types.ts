/**
 * Compile-time checks of discode's hook types from @discode/types, run by `npm run typecheck` (never
 * emitted, never published). Each @ts-expect-error must hit a real type error: if the types stopped
 * applying (the context fell back to `any`), these lines would compile and tsc would fail on the
 * unused directives.
 */
import type {DiscodeHook, DiscodeHookContext, RecipeFile} from '@discode/types'

export const preSwitch: DiscodeHook<'discode:pre-switch'> = async function (context) {
  const app: string = context.app
  const version: string = context.release.version
  const image: string = context.release.image
  const previous: string | undefined = context.previous?.version
  const recipe: {name: string; source: string} = context.recipe
  const hostname: string | undefined = context.inputs.hostname
  const result: {exitCode: number; output: string} = await context.run(['/bin/true'], {timeoutMs: 1000})
  context.log(`${app} ${version} ${image} ${previous} ${recipe.name} ${hostname} ${result.exitCode}`)

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

export const postInstall: DiscodeHook<'discode:post-install'> = async function (context) {
  // @ts-expect-error: log takes one string
  context.log(42)
}

// The context type itself is exported for helpers that take it.
export function describe(context: DiscodeHookContext): string {
  return `${context.app}@${context.release.version} in ${context.container}`
}

// recipe.yml as a type, for tools that write recipes.
export const recipe: RecipeFile = {name: 'notes', image: 'registry.example.com/notes', feed: 'https://releases.example.com/feed.json'}
// @ts-expect-error: strategy is bluegreen or pause
export const wrong: RecipeFile = {...recipe, strategy: 'rolling'}
